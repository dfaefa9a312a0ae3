"""Presidio's e-mail, IBAN, SSN and IP recognizers, adapted: CJK-safe, offline, quiet."""
import logging

import pytest

from guardrails.normalize import normalize
from guardrails.recognizers.cjk_safe_ip_recognizer import CjkSafeIpRecognizer
from guardrails.recognizers.cjk_safe_ssn_recognizer import CjkSafeSsnRecognizer
from guardrails.recognizers.offline_email_recognizer import OfflineEmailRecognizer
from guardrails.recognizers.quiet_iban_recognizer import QuietIbanRecognizer

RECOGNIZERS = {"email": OfflineEmailRecognizer, "iban": QuietIbanRecognizer,
               "ssn": CjkSafeSsnRecognizer, "ip": CjkSafeIpRecognizer}


def found(kind: str, text: str) -> list[str]:
    norm = normalize(text).text
    return [norm[r.start:r.end] for r in RECOGNIZERS[kind]().analyze(norm, []) if r.score >= 0.5]


@pytest.mark.parametrize("kind, text, expected", [
    ("email", "请把账单发到zycidpyo@hospital.org.cn，我的", ["zycidpyo@hospital.org.cn"]),  # touching CJK
    ("email", "email bjwtssm@126.com.", ["bjwtssm@126.com"]),                                # trailing dot
    ("email", "邮箱：ＡＢＣ＠qq.com", ["ABC@qq.com"]),                                         # full-width
    ("iban", "Transfer to IBAN GB56OFYW98063513969371 failed", ["GB56OFYW98063513969371"]),  # plain
    ("iban", "转账到GB82 WEST 1234 5698 7654 32失败", ["GB82 WEST 1234 5698 7654 32"]),       # grouped, CJK
    ("ssn", "my SSN is 453-39-4584, I", ["453-39-4584"]),                                   # dashes
    ("ssn", "SSN是453-39-4584。", ["453-39-4584"]),                                          # touching CJK
    ("ip", "服务器IP是192.168.1.10。", ["192.168.1.10"]),                                     # IPv4, CJK
    ("ip", "from 2001:db8::1 today", ["2001:db8::1"]),                                       # IPv6
    ("iban", "IBAN: de89 3704 0044 0532 0130 00 please", ["de89 3704 0044 0532 0130 00"]),   # lower case, word after
    ("iban", "转账DE89-3704-0044-0532-0130-00失败", ["DE89-3704-0044-0532-0130-00"]),          # dashes, CJK both sides
    ("ssn", "SSN 536221187 for the form", ["536221187"]),                                   # compact after a label
    ("ssn", "social security number is 536 22 1187", ["536 22 1187"]),                     # spaces
])
def test_valid(kind, text, expected):
    assert found(kind, text) == expected


@pytest.mark.parametrize("kind, text", [
    ("email", "user@localhost"),                       # no public suffix
    ("email", "ping me @ noon"),                       # not an address
    ("iban", "GB56OFYW98063513969372"),                # bad mod-97 checksum
    ("ssn", "SSN 000-12-3456"),                        # area 000 is never issued
    ("ssn", "SSN 666-12-3456"),                        # area 666 is never issued
    ("ip", "version 1.2.3"),                           # three parts only
    ("ip", "999.1.1.1"),                               # octet out of range
    ("ip", "客户端版本13.5.91.81 更新失败"),              # four-part version after a version label
    ("ip", "v10.0.19.1 crashed"),                      # "v" glued to a version
    ("ssn", "order 536221187"),                        # compact nine digits without an SSN label
])
def test_invalid(kind, text):
    assert found(kind, text) == []


def test_iban_validation_never_logs_value(caplog):
    with caplog.at_level(logging.DEBUG):
        found("iban", "GB56OFYW98063513969372 GB00!!")
    assert "GB56OFYW98063513969372" not in caplog.text
