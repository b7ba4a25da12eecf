from rest_framework.routers import SimpleRouter

from jianguan.inspections.api.views import (
    DisposalViewSet,
    InspectionRecordViewSet,
    ResultCategoryViewSet,
    VisitViewSet,
)

router = SimpleRouter()
router.register("visits", VisitViewSet, basename="visit")
router.register("inspection-records", InspectionRecordViewSet, basename="inspection-record")
router.register("result-categories", ResultCategoryViewSet, basename="result-category")
router.register("disposals", DisposalViewSet, basename="disposal")
urlpatterns = router.urls
