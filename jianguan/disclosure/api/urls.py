"""Disclosure API under /api/v1/: staff endpoints, and the anonymous read-only public API under public/."""

from rest_framework.routers import SimpleRouter

from jianguan.disclosure.api import views

router = SimpleRouter()
router.register("publications", views.PublicationViewSet, basename="publication")
router.register("objections", views.ObjectionViewSet, basename="objection")
router.register("typical-cases", views.TypicalCaseViewSet, basename="typical-case")
router.register("public/entities", views.PublicEntityViewSet, basename="public-entity")
router.register("public/results", views.PublicResultViewSet, basename="public-result")
router.register("public/draws", views.PublicDrawViewSet, basename="public-draw")
urlpatterns = router.urls
