"""Customers as the tests need them, made through the same service the app uses."""

from patron.customers.services import CustomerData, customer_create

PEOPLE = {
    "nguyen_van_an": CustomerData(
        given_name="An",
        family_name="Nguyễn Văn",
        country="VN",
        emails=["an.nguyen@example.vn"],
        phones=["090 123 4567"],
    ),
    "sukru_isik": CustomerData(
        given_name="Şükrü",
        family_name="Işık",
        country="TR",
        emails=["sukru@example.com.tr"],
        phones=["0532 123 45 67"],
        tags=["vip"],
    ),
    "somsri": CustomerData(
        given_name="สมศรี",
        family_name="ใจดี",
        country="TH",
        phones=["081 234 5678"],
        emails=["somsri@example.co.th"],
        tags=["wholesale"],
    ),
    "istanbul_shop": CustomerData(display_name="İstanbul Çiçekçilik", country="TR"),
    "juan": CustomerData(
        given_name="Juan",
        family_name="dela Cruz",
        country="PH",
        phones=["0917 123 4567"],
        emails=["Juan.DelaCruz@Example.ph"],
    ),
}


def make_customer(by, key=None, **fields):
    data = PEOPLE[key] if key else CustomerData(**fields)
    return customer_create(data=data, by=by)
