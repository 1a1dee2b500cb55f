"""Factories of the receivables (the isolation probe finds them by module name)."""

import datetime as dt
from decimal import Decimal

import factory

from apps.sales.models import Allocation, CustomerCredit, Invoice, PaymentTerm
from tests.factories import CustomerFactory, PaymentFactory, UnscopedFactory


class PaymentTermFactory(UnscopedFactory):
    class Meta:
        model = PaymentTerm

    tenant = factory.SubFactory("tests.factories.TenantFactory")
    name = factory.Sequence(lambda n: f"Net {n}")
    days = 30


class CustomerCreditFactory(UnscopedFactory):
    class Meta:
        model = CustomerCredit

    customer = factory.SubFactory(CustomerFactory)
    tenant = factory.SelfAttribute("customer.tenant")
    credit_limit = Decimal("1000.00")


class InvoiceFactory(UnscopedFactory):
    class Meta:
        model = Invoice

    customer = factory.SubFactory(CustomerFactory)
    tenant = factory.SelfAttribute("customer.tenant")
    rep = factory.SelfAttribute("customer.owner")
    number = factory.Sequence(lambda n: f"INV{n:06d}")
    issued_on = dt.date(2026, 10, 1)
    due_on = dt.date(2026, 10, 31)
    amount = Decimal("300.00")
    open_amount = factory.SelfAttribute("amount")


class AllocationFactory(UnscopedFactory):
    """An allocation with its payment and invoice (the invoice's open amount is not adjusted)."""

    class Meta:
        model = Allocation

    invoice = factory.SubFactory(InvoiceFactory)
    tenant = factory.SelfAttribute("invoice.tenant")
    customer = factory.SelfAttribute("invoice.customer")
    rep = factory.SelfAttribute("invoice.rep")
    payment = factory.SubFactory(
        PaymentFactory, customer=factory.SelfAttribute("..customer"), amount=Decimal("50.00")
    )
    amount = Decimal("50.00")
    paid_on = dt.date(2026, 11, 3)
    issued_on = factory.SelfAttribute("invoice.issued_on")
    due_on = factory.SelfAttribute("invoice.due_on")
