from rest_framework.routers import SimpleRouter

from jianguan.inspectors.api.views import DirectoryFilingViewSet, InspectorViewSet, RecusalViewSet

router = SimpleRouter()
router.register("inspectors", InspectorViewSet, basename="inspector")
router.register("recusals", RecusalViewSet, basename="recusal")
router.register("directory-filings", DirectoryFilingViewSet, basename="directory-filing")
urlpatterns = router.urls
