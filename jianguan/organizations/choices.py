from django.db import models


class RegionLevel(models.IntegerChoices):
    """Administrative level; lower number = higher level."""

    SPECIAL = 0, "特殊代码"
    PROVINCE = 1, "省级"
    CITY = 2, "市级"
    COUNTY = 3, "县级"


class DepartmentLevel(models.IntegerChoices):
    PROVINCE = 1, "省级"
    CITY = 2, "市级"
    COUNTY = 3, "县级"


class DepartmentKind(models.TextChoices):
    """Kinds of department (issue #2, DOMAIN.md 'Who uses it')."""

    APPROVING = "approving", "审批部门"
    INDUSTRY_AUTHORITY = "industry_authority", "行业主管部门"
    ENFORCEMENT = "enforcement", "综合执法机构"
    JUSTICE_BUREAU = "justice_bureau", "司法局"
    BUSINESS_ENV_OFFICE = "business_env_office", "优化营商环境部门"
    JOINT_MEETING_OFFICE = "joint_meeting_office", "联席会议办公室"
    PARK_COMMITTEE = "park_committee", "园区管委会"
