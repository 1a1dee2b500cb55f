from django.urls import path

from . import views

# Mounted at /t/<slug>/settings/payment-terms/ (salesmgmt/urls.py), beside the organisation's settings.
urlpatterns = [
    path("", views.payment_terms_view, name="payment-terms"),
    path("new/", views.payment_term_create_view, name="payment-term-create"),
    path("<int:term_id>/", views.payment_term_edit_view, name="payment-term-edit"),
    path("<int:term_id>/default/", views.payment_term_default_view, name="payment-term-default"),
]
