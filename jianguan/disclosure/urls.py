"""The public portal at /public/ (no login) and the staff pages under /public/manage/ (login)."""

from django.urls import path

from jianguan.disclosure import portal_views as p
from jianguan.disclosure import views as v

app_name = "disclosure"
urlpatterns = [
    # The portal: anyone, no account.
    path("", p.home, name="portal-home"),
    path("search/", p.search_page, name="portal-search"),
    path("entities/<str:uscc>/", p.entity_page, name="portal-entity"),
    path("results/<int:pk>/", p.publication_page, name="portal-publication"),
    path("departments/", p.departments, name="portal-departments"),
    path("departments/<int:pk>/", p.department_page, name="portal-department"),
    path("plans/<int:pk>/", p.plan_page, name="portal-plan"),
    path("draws/", p.draws, name="portal-draws"),
    path("draws/<int:pk>/", p.draw_page, name="portal-draw"),
    path("draws/<int:pk>/record.json", p.draw_record, name="portal-draw-record"),
    path("draws/<int:pk>/snapshot.csv", p.draw_snapshot, name="portal-draw-snapshot"),
    path("draws/<int:pk>/verify.zip", p.draw_bundle, name="portal-draw-bundle"),
    path("draws/<int:pk>/check/", p.draw_check, name="portal-draw-check"),
    path("verifier/verify_draw.py", p.verifier, name="portal-verifier"),
    path("verify/", p.verify_form, name="portal-verify-form"),
    path("verify/<str:code>/", p.verify_code, name="portal-verify"),
    path("exposure/", p.exposure, name="portal-exposure"),
    path("exposure/<int:pk>/", p.case_page, name="portal-case"),
    path("open-data/", p.open_data, name="portal-open-data"),
    path("open-data/results.csv", p.open_csv, name="portal-open-csv"),
    path("open-data/results.json", p.open_json, name="portal-open-json"),
    path("objections/new/", p.objection_new, name="portal-objection"),
    path("objections/<str:reference>/", p.objection_receipt, name="portal-objection-receipt"),
    # Staff pages: login required, scoped.
    path("manage/", v.TaskIndex.as_view(), name="staff-tasks"),
    path("manage/tasks/<int:pk>/", v.TaskPublicationPage.as_view(), name="staff-task"),
    path("manage/publications/", v.PublicationList.as_view(), name="staff-publications"),
    path("manage/publications/<int:pk>/", v.PublicationDetail.as_view(), name="staff-publication"),
    path("manage/objections/", v.ObjectionList.as_view(), name="staff-objections"),
    path("manage/objections/<int:pk>/", v.ObjectionDetail.as_view(), name="staff-objection"),
    path("manage/draws/<int:pk>/disclosure/", v.DrawDisclosurePage.as_view(), name="staff-draw-disclosure"),
]
