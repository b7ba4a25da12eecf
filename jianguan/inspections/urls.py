from django.urls import path

from jianguan.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.VisitList.as_view(), name="visit-list"),
    path("mine/", views.MyVisits.as_view(), name="my-visits"),
    path("overdue/", views.OverdueList.as_view(), name="overdue"),
    path("tasks/<int:pk>/", views.TaskInspections.as_view(), name="task"),
    path("tasks/<int:pk>/results/", views.TaskResultsImport.as_view(), name="task-results-import"),
    path("tasks/<int:pk>/results/template/", views.TaskResultsTemplate.as_view(), name="task-results-template"),
    path("disposals/", views.DisposalList.as_view(), name="disposal-list"),
    path("disposals/<int:pk>/", views.DisposalDetail.as_view(), name="disposal-detail"),
    path("disposals/<int:pk>/<str:action>/", views.DisposalAction.as_view(), name="disposal-action"),
    path("records/<int:pk>/evidence/", views.EvidenceUpload.as_view(), name="evidence-upload"),
    path("records/<int:pk>/disposals/", views.DisposalCreate.as_view(), name="disposal-create"),
    path("evidence/<int:pk>/", views.EvidenceDownload.as_view(), name="evidence-download"),
    path("receipts/<int:pk>/scan/", views.ReceiptScan.as_view(), name="receipt-scan"),
    path("<int:pk>/", views.VisitDetail.as_view(), name="visit-detail"),
    path("<int:pk>/schedule/", views.VisitSchedule.as_view(), name="visit-schedule"),
    path("<int:pk>/cancel/", views.VisitCancel.as_view(), name="visit-cancel"),
    path("<int:pk>/review/", views.VisitReviewPage.as_view(), name="visit-review"),
    path("<int:pk>/notice/", views.NoticeDownload.as_view(), name="notice-download"),
    path("<int:pk>/notice/generate/", views.NoticeGenerate.as_view(), name="notice-generate"),
    path("<int:pk>/receipts/", views.ReceiptCreate.as_view(), name="receipt-create"),
    path("<int:pk>/exception/", views.ExceptionCreate.as_view(), name="exception-create"),
    path("<int:pk>/items/<int:item>/record/", views.RecordSave.as_view(), name="record-save"),
    path("<int:pk>/<str:action>/", views.VisitAction.as_view(), name="visit-action"),
]
