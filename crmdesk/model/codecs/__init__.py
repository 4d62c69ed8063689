"""One codec per attribute type; ``codec_for`` finds it."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from crmdesk.model.attribute_types import AttributeType
from crmdesk.model.codecs.base import Codec, DisplayContext, MatchKey, NullContext, SortKey
from crmdesk.model.codecs.choice import CheckboxCodec, SelectCodec, StatusCodec
from crmdesk.model.codecs.numeric import CurrencyCodec, NumberCodec, RatingCodec
from crmdesk.model.codecs.references import ActorReferenceCodec, RecordReferenceCodec
from crmdesk.model.codecs.structured import InteractionCodec, LocationCodec, PersonalNameCodec
from crmdesk.model.codecs.temporal import DateCodec, TimestampCodec
from crmdesk.model.codecs.text_like import DomainCodec, EmailCodec, PhoneCodec, TextCodec

_CODECS: Mapping[AttributeType, Codec] = MappingProxyType(
    {
        codec.type: codec
        for codec in (
            TextCodec(),
            NumberCodec(),
            CurrencyCodec(),
            DateCodec(),
            TimestampCodec(),
            CheckboxCodec(),
            SelectCodec(),
            StatusCodec(),
            RatingCodec(),
            EmailCodec(),
            PhoneCodec(),
            DomainCodec(),
            LocationCodec(),
            PersonalNameCodec(),
            RecordReferenceCodec(),
            ActorReferenceCodec(),
            InteractionCodec(),
        )
    }
)


def codec_for(attribute_type: AttributeType) -> Codec:
    return _CODECS[attribute_type]


__all__ = ["Codec", "DisplayContext", "MatchKey", "NullContext", "SortKey", "codec_for"]
