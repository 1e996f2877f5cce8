from django.urls import path

from comity.ledger import views

urlpatterns = [
    path("", views.ledger_index, name="ledger-index"),
    path("agreements/", views.agreement_create, name="ledger-agreement-create"),
    path("agreements/<int:index>/", views.agreement_page, name="ledger-agreement"),
    path(
        "agreements/<int:index>/disbursements/", views.disbursement_create, name="ledger-disbursement-create"
    ),
    path("agreements/<int:index>/corrections/", views.correction_create, name="ledger-correction-create"),
]
