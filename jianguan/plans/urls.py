from django.urls import path

from jianguan.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.PlanList.as_view(), name="plan-list"),
    path("new/", views.PlanEdit.as_view(), name="plan-create"),
    path("import/", views.PlanImport.as_view(), name="plan-import"),
    path("review/", views.ReviewInbox.as_view(), name="review-inbox"),
    path("participant-items/", views.ParticipantItems.as_view(), name="participant-items"),
    path("<int:pk>/", views.PlanDetail.as_view(), name="plan-detail"),
    path("<int:pk>/edit/", views.PlanEdit.as_view(), name="plan-edit"),
    path("<int:pk>/amend/", views.PlanAmend.as_view(), name="plan-amend"),
    path("<int:pk>/review/<str:stage>/", views.PlanReview.as_view(), name="plan-review"),
    path("<int:pk>/versions/<int:number>/", views.PlanVersionDetail.as_view(), name="plan-version"),
    path("<int:pk>/attachments/", views.AttachmentUpload.as_view(), name="attachment-upload"),
    path("<int:pk>/tasks/new/", views.TaskCreate.as_view(), name="task-create"),
    path("<int:pk>/<str:action>/", views.PlanAction.as_view(), name="plan-action"),
    path("attachments/<int:pk>/", views.AttachmentDownload.as_view(), name="attachment-download"),
    path("attachments/<int:pk>/remove/", views.AttachmentRemove.as_view(), name="attachment-remove"),
    path("tasks/", views.TaskList.as_view(), name="task-list"),
    path("tasks/<int:pk>/", views.TaskDetail.as_view(), name="task-detail"),
    path("tasks/<int:pk>/edit/", views.TaskEdit.as_view(), name="task-edit"),
    path("tasks/<int:pk>/<str:action>/", views.TaskAction.as_view(), name="task-action"),
]
