"""Case lists sent as one .zip (one file per basic court): unpacked into a folder of our own with
the same limits as a workbook (data/workbook_check.py), so a zip bomb or a path like
`../../etc/x` in the archive can do nothing."""
from __future__ import annotations

import os
import zipfile

from .reader import UnusableFile
from .workbook_check import MAX_UNPACKED, check_members, too_large

MAX_FILES = 500
READABLE = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq")
CHUNK = 1 << 20


def is_zip(path: str) -> bool:
    if not path.lower().endswith(".zip"):
        return False
    with open(path, "rb") as f:
        return f.read(4) == b"PK\x03\x04"


def unpack(path: str, into: str, name: str | None = None) -> list[tuple[str, str]]:
    """(file on disk, name shown) for each case list in the archive, in the archive's name order;
    `name`: the archive's own name, when it was saved under another."""
    name = name or os.path.basename(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise UnusableFile(f"{name}: 不是有效的 zip 文件 / not a valid zip file ({e})") from None
    with zf:
        members = sorted((m for m in zf.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX/")
                          and m.filename.lower().endswith(READABLE)), key=lambda m: m.filename)
        if not members:
            raise UnusableFile(f"{name}: 压缩包中没有 CSV、Excel 或 Parquet 文件 / the archive holds no CSV, Excel or Parquet file")
        if len(members) > MAX_FILES:
            raise UnusableFile(f"{name}: 压缩包中文件超过 {MAX_FILES} 个 / more than {MAX_FILES} files in the archive")
        check_members(name, members)
        out, total = [], 0
        for i, m in enumerate(members):
            target = os.path.join(into, f"{i:03d}{os.path.splitext(m.filename)[1].lower()}")  # never the archive's path
            try:
                with zf.open(m) as src, open(target, "wb") as dst:
                    while chunk := src.read(CHUNK):
                        total += len(chunk)
                        if total > MAX_UNPACKED:
                            raise too_large(name)
                        dst.write(chunk)
            except (zipfile.BadZipFile, EOFError, ValueError) as e:
                raise UnusableFile(f"{name}: 无法解压 {m.filename} / cannot unpack {m.filename} ({e})") from None
            out.append((target, f"{name}/{m.filename}"))
    return out
