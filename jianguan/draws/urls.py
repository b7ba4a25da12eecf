from django.urls import path

from jianguan.draws import views

app_name = "draws"
urlpatterns = [
    path("", views.DrawList.as_view(), name="draw-list"),
    path("new/", views.DrawAnnounce.as_view(), name="draw-announce"),
    path("joint/", views.JointRoundList.as_view(), name="joint-list"),
    path("joint/new/", views.JointMerge.as_view(), name="joint-merge"),
    path("joint/<int:pk>/", views.JointRoundDetail.as_view(), name="joint-detail"),
    path("joint/<int:pk>/record.json", views.JointRecord.as_view(), name="joint-record"),
    path("<int:pk>/", views.DrawDetail.as_view(), name="draw-detail"),
    path("<int:pk>/progress/", views.DrawProgress.as_view(), name="draw-progress"),
    path("<int:pk>/record.json", views.DrawRecord.as_view(), name="draw-record"),
    path("<int:pk>/snapshot.csv", views.DrawSnapshot.as_view(), name="draw-snapshot"),
    path("<int:pk>/<str:action>/", views.DrawAction.as_view(), name="draw-action"),
]
