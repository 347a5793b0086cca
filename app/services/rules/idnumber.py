"""Identity document numbers: the resident ID (GB 11643) and the other 证件类型."""

from __future__ import annotations

from enum import StrEnum


class IdType(StrEnum):
    """证件类型; the value is the Chinese name the centre uses."""

    RESIDENT_ID = "居民身份证"
    PASSPORT = "护照"
    HK_MACAU_PASS = "港澳居民来往内地通行证"
    TAIWAN_PASS = "台湾居民来往大陆通行证"
    FOREIGN_PERMANENT_RESIDENCE = "外国人永久居留身份证"
    HMT_RESIDENCE_PERMIT = "港澳台居民居住证"
    OTHER = "其他"
