#!/usr/bin/env python3
"""Writes Tests/Fixtures/charsets.json: pydicom's reading of its character set test files,
the ground truth for the Swift SpecificCharacterSet tests.

For every file in pydicom's data/charset_files (and the files of data/test_files whose
Specific Character Set uses code extensions or whose text has bytes >= 0x80 or ESC), it records
the raw value of (0008,0005) and, for each element whose VR takes the specific character set
(PN, LO, SH, LT, ST, UT, UC), also inside sequences (an item's own (0008,0005) overriding the
inherited one): the VR, the raw value bytes as hex, the character set in force, and pydicom's
decoded value(s).

It also records "samples": sample texts encoded by pydicom's encode_string / PersonName under
various character sets; "decodeSamples": hand-made values (escape sequences, delimiters, bad
bytes) read by pydicom's value converters as dcmread reads them; and "tables": pydicom's
decoding of the upper half of each single-byte set, so that the Swift side can be compared
with Python's codecs where no file covers a set.

Usage: python3 scripts/make_charset_fixture.py [output path]
"""

import json
import os
import sys
import warnings

import pydicom
from pydicom.charset import convert_encodings, decode_bytes, encode_string
from pydicom.dataset import Dataset
from pydicom.valuerep import PersonName

TEXT_VRS = {"PN", "LO", "SH", "LT", "ST", "UT", "UC"}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.path.dirname(pydicom.__file__), "data")


def charset_value(ds: Dataset):
    """The raw (0008,0005) of `ds` as one backslash-separated string, or None if absent."""
    if "SpecificCharacterSet" not in ds:
        return None
    raw = ds.get_item(0x00080005)
    value = raw.value
    if isinstance(value, (bytes, bytearray)):
        return value.decode("ascii", "replace").rstrip(" \0")
    if isinstance(value, str):
        return value
    return "\\".join(value)


def decoded_values(elem):
    """pydicom's value(s) of a decoded element, as a list of strings."""
    value = elem.value
    if value is None:
        return [""]
    if isinstance(value, (list, pydicom.multival.MultiValue)):
        return [str(v) for v in value]
    return [str(value)]


def walk(ds: Dataset, inherited, path, out):
    own = charset_value(ds)
    charset = own if own is not None else inherited
    for tag in list(ds.keys()):
        raw = ds.get_item(tag)
        elem = ds[tag]  # converted by pydicom, with the character set in force
        name = f"{path}({tag.group:04X},{tag.element:04X})"
        if elem.VR == "SQ":
            for n, item in enumerate(elem.value):
                walk(item, charset, f"{name}[{n}]/", out)
            continue
        if elem.VR not in TEXT_VRS:
            continue
        raw_bytes = raw.value if hasattr(raw, "value") and isinstance(raw.value, (bytes, bytearray)) else None
        if raw_bytes is None:
            continue
        out.append({
            "tag": name,
            "vr": elem.VR,
            "charset": charset or "",
            "hex": bytes(raw_bytes).hex(),
            "values": decoded_values(elem),
        })


def file_entry(path):
    ds = pydicom.dcmread(path, stop_before_pixels=True, force=True)
    elements = []
    walk(ds, None, "", elements)
    return {
        "file": os.path.relpath(path, DATA),
        "charset": charset_value(ds) or "",
        "elements": elements,
    }


def is_charset_relevant(path):
    """A test file worth including: code extensions, or non-ASCII text."""
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True, force=True)
        cs = charset_value(ds) or ""
        entry = file_entry(path)
    except Exception:
        return False
    if "\\" in cs or "2022" in cs:
        return True
    return any(any(b >= 0x80 or b == 0x1B for b in bytes.fromhex(e["hex"])) for e in entry["elements"])


SAMPLE_TEXTS = {
    "ISO_IR 100": ["Buc^Jérôme", "Äneas^Rüdiger=ß", "Ça va où? «là»"],
    "ISO_IR 101": ["Dvořák^Antonín", "Łódź Świętokrzyska"],
    "ISO_IR 109": ["Ġużeppi^Ħabib", "ĉapelo ŝuo"],
    "ISO_IR 110": ["Šķēle^Ģirts", "Ŗīga ūdens"],
    "ISO_IR 144": ["Люкceмбypг", "Иванов^Иван=Ivanov^Ivan"],
    "ISO_IR 127": ["قباني^لنزار", "مرحبا"],
    "ISO_IR 126": ["Διονυσιος", "Παπαδόπουλος^Γιώργος"],
    "ISO_IR 138": ["שרון^דבורה", "שלום"],
    "ISO_IR 148": ["Çağlar^Işık", "Gümüşhane"],
    "ISO_IR 203": ["Œuvre 5€ Šš Žž Ÿ", "Dupont^Chloé"],
    "ISO_IR 166": ["สวัสดี", "ประเทศไทย^กรุงเทพ"],
    "ISO_IR 13": ["ﾔﾏﾀﾞ^ﾀﾛｳ", "ｱｲｳｴｵ"],
    "ISO_IR 192": ["Wang^XiaoDong=王^小東", "Ünïcødé ☃ 😀"],
    "GB18030": ["Wang^XiaoDong=王^小东", "中文测试 😀", "坐标"],
    "GBK": ["Wang^XiaoDong=王^小东", "中文测试", "乗"],
    "\\ISO 2022 IR 87": ["Yamada^Tarou=山田^太郎=やまだ^たろう", "山田 太郎", "ﾔﾏﾀﾞ"],
    "ISO 2022 IR 13\\ISO 2022 IR 87": ["ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう", "ｱｲｳ 山田"],
    "\\ISO 2022 IR 87\\ISO 2022 IR 159": ["Yamada=山田^丂", "丂山"],
    "\\ISO 2022 IR 149": ["Hong^Gildong=洪^吉洞=홍^길동", "김희중", "한국어 텍스트"],
    "\\ISO 2022 IR 58": ["Wang^XiaoDong=王^小东", "中文"],
    "\\ISO 2022 IR 100": ["Buc^Jérôme", "Jérôme"],
    "ISO 2022 IR 100\\ISO 2022 IR 126": ["Jérôme Διονυσιος é", "Διονυσιος^é"],
    "ISO 2022 IR 6\\ISO 2022 IR 144\\ISO 2022 IR 138": ["Иван שלום", "abc"],
}


def sample_entries():
    out = []
    for charset, texts in SAMPLE_TEXTS.items():
        encodings = convert_encodings(charset.split("\\"))
        for text in texts:
            for vr in ("PN", "LO"):
                if vr == "LO" and "=" in text:
                    continue
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("error")
                        if vr == "PN":
                            encoded = PersonName(text).encode(encodings)
                        else:
                            encoded = encode_string(text, encodings)
                    decoded = decode_bytes(encoded, encodings, {0x5E} if vr == "PN" else {0x0D, 0x0A, 0x09, 0x0C})
                    if vr == "PN":
                        decoded = str(PersonName(encoded, encodings).decode())
                    out.append({"charset": charset, "vr": vr, "text": text,
                                "hex": encoded.hex(), "roundTrip": decoded})
                except Exception as e:  # pydicom cannot encode it
                    out.append({"charset": charset, "vr": vr, "text": text,
                                "hex": None, "error": f"{type(e).__name__}: {e}"[:120]})
    return out


# Hand-made values for the cases the files do not cover: (charset, VR, raw bytes).
DECODE_SAMPLES = [
    ("\\ISO 2022 IR 58", "PN", b"Wang^XiaoDong=\x1b$)A\xcd\xf5^\x1b$)A\xd0\xa1\xb6\xab"),
    ("\\ISO 2022 IR 58", "LO", b"\x1b$)A\xd6\xd0\xce\xc4"),
    ("\\ISO 2022 IR 87\\ISO 2022 IR 159", "LO", b"\x1b$(D0!\x1b$B;3\x1b(B"),
    ("ISO 2022 IR 13\\ISO 2022 IR 87", "LO", b"\xb1\x1b$B;3\x1b(J\xb2"),
    ("ISO 2022 IR 100\\ISO 2022 IR 126", "LT", b"\x1b-F\xe1\r\n\xe9"),
    ("ISO 2022 IR 100\\ISO 2022 IR 126", "PN", b"\x1b-F\xe1^\xe9"),
    ("ISO 2022 IR 100\\ISO 2022 IR 126", "PN", b"\x1b-F\xe1=\xe9"),
    ("ISO 2022 IR 100\\ISO 2022 IR 126", "LO", b"\x1b-F\xe1\\\xe9"),
    ("ISO 2022 IR 100\\ISO 2022 IR 126", "LO", b"\x1b-F\xe1^\xe9"),
    ("\\ISO 2022 IR 149", "LO", b"\xc8\xab"),
    ("\\ISO 2022 IR 149", "LT", b"\x1b$)C\xc8\xab\r\n\xc8\xab"),
    ("\\ISO 2022 IR 87", "LO", b"A\x1b(ZB"),
    ("", "LO", b"Caf\xe9"),
    ("ISO_IR 192", "LO", b"A\xffB"),
    ("GBK", "LO", b"\x81\\\x81\\"),
    ("GB18030", "SH", b"\xcd\xf5\\\xd0\xa1"),
    ("ISO_IR 166", "LO", b"\xca\xc7\xd1\xca\xb4\xd5"),
    ("ISO_IR 148", "LO", b"\xc7a\xf0lar^I\xfe\xfdk"),
]


def decode_sample_entries():
    from pydicom.values import convert_PN, convert_single_string, convert_text
    out = []
    for charset, vr, raw in DECODE_SAMPLES:
        encodings = convert_encodings(charset.split("\\"))
        if vr == "PN":
            value = convert_PN(raw, encodings)
        elif vr in ("LT", "ST", "UT"):
            value = convert_single_string(raw, encodings, vr)
        else:
            value = convert_text(raw, encodings, vr)
        values = [str(v) for v in value] if isinstance(value, (list, pydicom.multival.MultiValue)) else [str(value)]
        out.append({"charset": charset, "vr": vr, "hex": raw.hex(), "values": values})
    return out


TABLE_SETS = ["ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 144", "ISO_IR 127",
              "ISO_IR 126", "ISO_IR 138", "ISO_IR 148", "ISO_IR 166"]


def table_entries():
    """pydicom/Python decoding of each byte 0xA0-0xFF, U+FFFD where undefined."""
    out = {}
    for charset in TABLE_SETS:
        enc = convert_encodings([charset])[0]
        chars = []
        for b in range(0xA0, 0x100):
            try:
                chars.append(bytes([b]).decode(enc))
            except UnicodeDecodeError:
                chars.append("\ufffd")
        out[charset] = "".join(chars)
    return out


def main():
    output = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "Tests", "Fixtures", "charsets.json")
    warnings.simplefilter("ignore")
    files = []
    charset_dir = os.path.join(DATA, "charset_files")
    for name in sorted(os.listdir(charset_dir)):
        if name.endswith(".dcm"):
            files.append(file_entry(os.path.join(charset_dir, name)))
    test_dir = os.path.join(DATA, "test_files")
    for dirpath, _, names in sorted(os.walk(test_dir)):
        for name in sorted(names):
            path = os.path.join(dirpath, name)
            if os.path.getsize(path) < 2_000_000 and is_charset_relevant(path):
                files.append(file_entry(path))
    fixture = {
        "generator": f"scripts/make_charset_fixture.py with pydicom {pydicom.__version__}",
        "files": files,
        "samples": sample_entries(),
        "decodeSamples": decode_sample_entries(),
        "tables": table_entries(),
    }
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=1)
        f.write("\n")
    count = sum(len(f["elements"]) for f in files)
    print(f"{output}: {len(files)} files, {count} elements, {len(fixture['samples'])} samples")


if __name__ == "__main__":
    main()
