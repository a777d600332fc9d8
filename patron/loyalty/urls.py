from django.urls import path

from patron.loyalty import (
    coupon_views,
    customer_views,
    liability_views,
    programme_views,
    referral_views,
    tiers_views,
)

app_name = "loyalty"

urlpatterns = [
    path("", liability_views.liability_view, name="liability"),
    path("liability/export/", liability_views.liability_export_view, name="liability_export"),
    path("liability/refresh/", liability_views.liability_refresh_view, name="liability_refresh"),
    path("customers/<int:pk>/redeem/", customer_views.redeem_view, name="redeem"),
    path("customers/<int:pk>/adjust/", customer_views.adjust_view, name="adjust"),
    path("customers/<int:pk>/entries/", customer_views.entries_view, name="entries"),
    path("customers/<int:pk>/referral/", referral_views.referral_view, name="referral"),
    path("referrers/", referral_views.referrers_view, name="referrers"),
    path("programme/", programme_views.programme_view, name="programme"),
    path("programme/rules/", programme_views.rule_add_view, name="rule_add"),
    path("programme/rules/<int:pk>/remove/", programme_views.rule_remove_view, name="rule_remove"),
    path("tiers/", tiers_views.tiers_view, name="tiers"),
    path("coupons/", coupon_views.coupons_view, name="coupons"),
    path("coupons/<int:pk>/", coupon_views.coupon_batch_view, name="coupon_batch"),
    path("coupons/<int:pk>/codes.csv", coupon_views.coupon_codes_export_view, name="coupon_codes_export"),
    path("card/", coupon_views.card_lookup_view, name="card_lookup"),
    path("cards/<str:number>/", coupon_views.card_view, name="card"),
    path("customers/<int:pk>/card/", coupon_views.card_issue_view, name="card_issue"),
]
