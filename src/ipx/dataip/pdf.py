"""The certificate as a one-page PDF (WeasyPrint) in the registrant's language, with a QR code
at the bottom left that opens the public verification page, and the signed certificate
document attached to the PDF as ``certificate.json`` so that ``ipx dataip verify`` can check
a PDF copy offline. The file as a whole is signed too (``pdf_signature``), so a changed byte
anywhere in it shows.

The certificate's fixed wording is kept here in the three languages rather than in the
gettext catalogs, as the contract's is: it is the registry's signed document and must read
the same whatever catalog a server runs.
"""

from __future__ import annotations

import json
from typing import Any

import segno
from django.template.loader import render_to_string

from ipx.dataip import pdf_signature, signing
from ipx.dataip.models import Certificate, DataSource, Industry, UpdateFrequency
from ipx.deals.contracts import resources

LANGUAGES = ("zh-hans", "zh-hant", "en")
ATTACHMENT_NAME = "certificate.json"
TEXT: dict[str, dict[str, str]] = {
    "title": {"zh-hans": "数据知识产权登记证书", "zh-hant": "數據知識產權登記證書",
              "en": "Data Intellectual Property Registration Certificate"},
    "certificate_number": {"zh-hans": "证书编号", "zh-hant": "證書編號", "en": "Certificate number"},
    "registration_number": {"zh-hans": "登记号", "zh-hant": "登記號", "en": "Registration number"},
    "registrant": {"zh-hans": "登记主体", "zh-hant": "登記主體", "en": "Registrant"},
    "uscc": {"zh-hans": "统一社会信用代码", "zh-hant": "統一社會信用代碼", "en": "Unified Social Credit Code"},
    "product": {"zh-hans": "数据名称", "zh-hant": "數據名稱", "en": "Data product"},
    "industry": {"zh-hans": "应用行业", "zh-hant": "應用行業", "en": "Industry"},
    "source": {"zh-hans": "数据来源", "zh-hant": "數據來源", "en": "Data source"},
    "scale": {"zh-hans": "数据规模", "zh-hant": "數據規模", "en": "Scale"},
    "records": {"zh-hans": "{records} 条记录，{size} 字节", "zh-hant": "{records} 條記錄，{size} 位元組",
                "en": "{records} records, {size} bytes"},
    "span": {"zh-hans": "数据时间范围", "zh-hant": "數據時間範圍", "en": "Time span"},
    "update": {"zh-hans": "更新频率", "zh-hant": "更新頻率", "en": "Updated"},
    "fingerprint": {"zh-hans": "数据指纹（SHA-256）", "zh-hant": "數據指紋（SHA-256）",
                    "en": "Fingerprint (SHA-256)"},
    "validity": {"zh-hans": "有效期", "zh-hant": "有效期", "en": "Valid"},
    "validity_value": {"zh-hans": "{start} 至 {end}", "zh-hant": "{start} 至 {end}", "en": "{start} to {end}"},
    "registry": {"zh-hans": "登记机构", "zh-hant": "登記機構", "en": "Registry"},
    "signature": {"zh-hans": "电子签名（Ed25519，密钥 {key_id}）", "zh-hant": "電子簽名（Ed25519，密鑰 {key_id}）",
                  "en": "Electronic signature (Ed25519, key {key_id})"},
    "scan": {"zh-hans": "扫码或访问下方地址核验本证书", "zh-hant": "掃碼或訪問下方地址核驗本證書",
             "en": "Scan the code or open the address below to verify this certificate"},
}
# The classifications' labels as the certificate prints them: English from the models, the
# Chinese here (the certificate does not depend on the catalogs, see above).
CHOICE_TEXT: dict[str, dict[str, str]] = {
    "source:01": {"zh-hans": "自身生产经营产生", "zh-hant": "自身生產經營產生"},
    "source:02": {"zh-hans": "公开渠道采集", "zh-hant": "公開渠道採集"},
    "source:03": {"zh-hans": "授权或购买取得", "zh-hant": "授權或購買取得"},
    "source:04": {"zh-hans": "对其他数据加工形成", "zh-hant": "對其他數據加工形成"},
    "update:real_time": {"zh-hans": "实时", "zh-hant": "實時"},
    "update:daily": {"zh-hans": "每日", "zh-hant": "每日"},
    "update:weekly": {"zh-hans": "每周", "zh-hant": "每週"},
    "update:monthly": {"zh-hans": "每月", "zh-hant": "每月"},
    "update:quarterly": {"zh-hans": "每季度", "zh-hant": "每季度"},
    "update:yearly": {"zh-hans": "每年", "zh-hant": "每年"},
    "update:once": {"zh-hans": "不更新", "zh-hant": "不更新"},
}


def _choice(kind: str, value: str, label: str, language: str) -> str:
    if language == "en":
        return label
    return CHOICE_TEXT.get(f"{kind}:{value}", {}).get(language, label)


def _english_label(choices: Any, value: str) -> str:
    from django.utils import translation

    with translation.override("en"):
        return str(choices(value).label)


def certificate_language(code: str | None) -> str:
    value = (code or "").lower().replace("_", "-")
    if value.startswith(("zh-hant", "zh-tw", "zh-hk", "zh-mo")):
        return "zh-hant"
    return "zh-hans" if value.startswith("zh") else "en"


def qr_png_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").png_data_uri(scale=4, border=2))


def _fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The QR code comes inline as a data: URI; everything else only from the static files.
    if url.startswith("data:image/png;base64,"):
        from weasyprint import default_url_fetcher

        return dict(default_url_fetcher(url))
    return resources.static_files_only(url, *args, **kwargs)


def certificate_pdf(certificate: Certificate, document: dict[str, Any], language: str) -> bytes:
    """``document`` is the signed export (``services.certificates.export``) attached to the PDF."""
    from weasyprint import HTML, Attachment  # heavy; loaded when a certificate is first printed

    payload = certificate.payload
    product = payload["product"]

    def say(key: str, **values: object) -> str:
        wording = TEXT[key][language]
        return wording.format(**values) if values else wording

    rows = [
        (say("certificate_number"), payload["certificate_number"]),
        (say("registration_number"), payload["registration_number"]),
        (say("registrant"), payload["registrant"]["name"]),
        (say("uscc"), payload["registrant"]["uscc"] or "—"),
        (say("product"), product["name"]),
        (say("industry"), f'{product["industry"]} {_english_label(Industry, product["industry"])}'
         if language == "en" else product["industry"]),
        (say("source"), _choice("source", product["source"], _english_label(DataSource, product["source"]),
                                language)),
        (say("scale"), say("records", records=f'{product["records"]:,}', size=f'{product["size_bytes"]:,}')),
        (say("span"), say("validity_value", start=product["span"][0], end=product["span"][1])),
        (say("update"), _choice("update", product["update_frequency"],
                                _english_label(UpdateFrequency, product["update_frequency"]), language)),
        (say("fingerprint"), payload["fingerprint"]["value"]),
        (say("validity"), say("validity_value", start=payload["issued_on"], end=payload["valid_until"])),
        (say("registry"), payload["registry"]["name"]),
    ]
    html = render_to_string("dataip/certificate_pdf.html", {
        "lang": language, "title": say("title"), "rows": rows, "font_family": '"WenQuanYi Micro Hei", sans-serif',
        "signature_label": say("signature", key_id=certificate.key_id), "signature": certificate.signature,
        "qr": qr_png_data_uri(payload["verify_url"]), "verify_url": payload["verify_url"], "scan": say("scan"),
    })
    attachment = Attachment(string=json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"),
                            name=ATTACHMENT_NAME, description="IPX data-IP certificate (signed)")
    pdf = HTML(string=html, base_url=resources.base_url(), url_fetcher=_fetch).write_pdf(attachments=[attachment])
    return pdf_signature.sign(bytes(pdf), signing.private_key(), registry=payload["registry"]["name"],
                              key_id=certificate.key_id, reason=say("title"))
