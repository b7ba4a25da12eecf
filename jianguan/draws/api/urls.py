from rest_framework.routers import SimpleRouter

from jianguan.draws.api.views import DrawViewSet, JointRoundViewSet

router = SimpleRouter()
router.register("draws", DrawViewSet, basename="api-draws-draw")
router.register("joint-rounds", JointRoundViewSet, basename="api-draws-joint-round")
urlpatterns = router.urls
