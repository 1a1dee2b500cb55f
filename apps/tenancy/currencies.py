"""The currencies an organisation may keep its amounts in: the ISO 4217 codes in circulation.

Funds, precious metals, test codes and withdrawn codes (ANG, BGN, CUC, HRK, SLL, ZWL…) are left out:
an organisation chooses the currency its orders are written in.
"""

_CODES = """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
    CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
    GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW
    KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR
    MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR
    SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
    USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
"""
CURRENCY_CODES: tuple[str, ...] = tuple(_CODES.split())

# Offered first in the settings page's list: the currencies the product's customers mostly use.
COMMON_CURRENCIES: tuple[str, ...] = ("CNY", "HKD", "TWD", "MOP", "SGD", "USD", "EUR", "JPY", "GBP")


def currency_choices() -> list[tuple[str, str]]:
    rest = sorted(set(CURRENCY_CODES) - set(COMMON_CURRENCIES))
    return [(code, code) for code in (*COMMON_CURRENCIES, *rest)]
