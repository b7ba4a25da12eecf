from rest_framework.routers import SimpleRouter

from jianguan.catalog.api.views import (
    CatalogItemViewSet,
    InspectionItemViewSet,
    ItemListFilingViewSet,
    SupervisionDomainViewSet,
)

router = SimpleRouter()
router.register("supervision-domains", SupervisionDomainViewSet, basename="supervision-domain")
router.register("catalog-items", CatalogItemViewSet, basename="catalog-item")
router.register("inspection-items", InspectionItemViewSet, basename="inspection-item")
router.register("item-list-filings", ItemListFilingViewSet, basename="item-list-filing")
urlpatterns = router.urls
