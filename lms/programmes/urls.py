from django.urls import path

from . import (
    application_views,
    catalogue_views,
    claim_views,
    statistics_views,
    views,
    voucher_views,
)

app_name = "programmes"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("catalogue/", catalogue_views.catalogue_years, name="catalogue_years"),
    path("catalogue/<int:pk>/", catalogue_views.catalogue_year, name="catalogue_year"),
    path("catalogue/<int:pk>/import/", catalogue_views.catalogue_import, name="catalogue_import"),
    path(
        "catalogue/<int:pk>/publish/", catalogue_views.catalogue_publish, name="catalogue_publish"
    ),
    path("catalogue/<int:pk>/copy/", catalogue_views.catalogue_copy, name="catalogue_copy"),
    path("vouchers/", voucher_views.mine, name="vouchers"),
    path("vouchers/<str:number>/claim/", voucher_views.claim, name="voucher_claim"),
    path("vouchers/<str:number>/redeem/", voucher_views.redeem, name="voucher_redeem"),
    path("desk/vouchers/", voucher_views.desk_list, name="voucher_desk"),
    path("desk/vouchers/issue/", voucher_views.desk_issue, name="voucher_desk_issue"),
    path("desk/vouchers/import/", voucher_views.desk_import, name="voucher_desk_import"),
    path("desk/vouchers/<str:number>/", voucher_views.desk_detail, name="voucher_desk_detail"),
    path(
        "desk/vouchers/<str:number>/revoke/",
        voucher_views.desk_revoke,
        name="voucher_desk_revoke",
    ),
    path("applications/", application_views.office_queue, name="applications"),
    path("applications/<int:pk>/", application_views.office_detail, name="application"),
    path(
        "applications/<int:pk>/decide/", application_views.office_decide, name="application_decide"
    ),
    path("claims/", claim_views.office_queue, name="claims"),
    path("claims/<int:pk>/", claim_views.office_detail, name="claim"),
    path("claims/<int:pk>/decide/", claim_views.office_decide, name="claim_decide"),
    path("claims/<int:pk>/claim.<str:fmt>", claim_views.office_export, name="claim_export"),
    path("statistics/", statistics_views.dashboard, name="statistics"),
    path("statistics/refresh/", statistics_views.refresh, name="statistics_refresh"),
    path("statistics/<slug:name>.svg", statistics_views.chart, name="statistics_chart"),
    path("statistics/<slug:name>.csv", statistics_views.table_csv, name="statistics_csv"),
]
