"""The demo world: Hunan province, Xiangtan city and its districts and counties, real department kinds."""

from __future__ import annotations

from dataclasses import dataclass

from jianguan.accounts.roles import Role
from jianguan.organizations.choices import DepartmentKind as K

DEMO_PASSWORD = "Jianguan@2026"
CITY = "430300"
# Xiangtan's county-level divisions (real codes from the shipped snapshot).
COUNTIES = {"430302": "雨湖区", "430304": "岳塘区", "430321": "湘潭县", "430381": "湘乡市", "430382": "韶山市"}


@dataclass(frozen=True)
class DeptSpec:
    code: str
    name: str
    level: int
    region: str
    kind: str
    sector: str
    parent: str | None = None


def departments() -> list[DeptSpec]:
    specs = [
        DeptSpec("430000-SJ", "湖南省市场监督管理局", 1, "430000", K.APPROVING, "市场监管"),
        DeptSpec("430300-SJ", "湘潭市市场监督管理局", 2, CITY, K.APPROVING, "市场监管", "430000-SJ"),
        DeptSpec("430300-SW", "湘潭市商务局", 2, CITY, K.INDUSTRY_AUTHORITY, "商务"),
        DeptSpec("430300-HB", "湘潭市生态环境局", 2, CITY, K.INDUSTRY_AUTHORITY, "生态环境"),
        DeptSpec("430300-YJ", "湘潭市应急管理局", 2, CITY, K.INDUSTRY_AUTHORITY, "应急管理"),
        DeptSpec("430300-WJ", "湘潭市卫生健康委员会", 2, CITY, K.INDUSTRY_AUTHORITY, "卫生健康"),
        DeptSpec("430300-JT", "湘潭市交通运输局", 2, CITY, K.INDUSTRY_AUTHORITY, "交通运输"),
        DeptSpec("430300-NY", "湘潭市农业农村局", 2, CITY, K.INDUSTRY_AUTHORITY, "农业农村"),
        DeptSpec("430300-WL", "湘潭市文化旅游广电体育局", 2, CITY, K.INDUSTRY_AUTHORITY, "文化旅游"),
        DeptSpec("430300-XF", "湘潭市消防救援支队", 2, CITY, K.ENFORCEMENT, "消防救援"),
        DeptSpec("430300-SF", "湘潭市司法局", 2, CITY, K.JUSTICE_BUREAU, "司法行政"),
        DeptSpec("430300-YS", "湘潭市优化营商环境协调事务中心", 2, CITY, K.BUSINESS_ENV_OFFICE, "营商环境"),
        DeptSpec("430300-LX", "湘潭市“双随机、一公开”监管工作联席会议办公室", 2, CITY, K.JOINT_MEETING_OFFICE, "联席会议"),
    ]
    for code, name in COUNTIES.items():
        specs.append(DeptSpec(f"{code}-SJ", f"湘潭市{name}市场监督管理局" if name.endswith("区") else f"{name}市场监督管理局",
                              3, code, K.APPROVING, "市场监管", "430300-SJ"))
    specs.append(DeptSpec("430302-SF", "湘潭市雨湖区司法局", 3, "430302", K.JUSTICE_BUREAU, "司法行政", "430300-SF"))
    specs.append(DeptSpec("430302-YJ", "湘潭市雨湖区应急管理局", 3, "430302", K.INDUSTRY_AUTHORITY, "应急管理", "430300-YJ"))
    return specs


@dataclass(frozen=True)
class LoginSpec:
    username: str
    display_name: str
    role: str
    department_code: str | None


LOGINS = [
    LoginSpec("admin", "平台管理员", Role.PLATFORM_ADMIN, None),
    LoginSpec("sj_admin", "周建国", Role.DEPARTMENT_ADMIN, "430300-SJ"),
    LoginSpec("sj_staff", "李晓梅", Role.DIVISION_STAFF, "430300-SJ"),
    LoginSpec("sj_legal", "王立新", Role.LEGAL_OFFICER, "430300-SJ"),
    LoginSpec("sf_reviewer", "陈静", Role.JUSTICE_REVIEWER, "430300-SF"),
    LoginSpec("ys_oversight", "刘洋", Role.OVERSIGHT, "430300-YS"),
    LoginSpec("sj_inspector", "张伟", Role.INSPECTOR, "430300-SJ"),
    LoginSpec("yh_staff", "赵敏", Role.DIVISION_STAFF, "430302-SJ"),
    LoginSpec("hb_staff", "孙涛", Role.DIVISION_STAFF, "430300-HB"),
]
