"""MIME structure of stored messages: parsed once, with byte offsets, for IMAP FETCH and SEARCH.

Pure and standard-library only; see README.md for the folder's rules.
"""

from mailwright.protocols.mime.headers import decode_encoded_words, header_text
from mailwright.protocols.mime.parser import MAX_DEPTH, MAX_PARTS, parse_structure
from mailwright.protocols.mime.scanner import canonicalize_line_endings, iter_header_fields
from mailwright.protocols.mime.structure import (
    Address,
    BodyPart,
    Disposition,
    Envelope,
    MessageStructure,
)
from mailwright.protocols.mime.transfer import decode_text, decode_transfer_encoding

__all__ = [
    "MAX_DEPTH",
    "MAX_PARTS",
    "Address",
    "BodyPart",
    "Disposition",
    "Envelope",
    "MessageStructure",
    "canonicalize_line_endings",
    "decode_encoded_words",
    "decode_text",
    "decode_transfer_encoding",
    "header_text",
    "iter_header_fields",
    "parse_structure",
]
