"""AESLC, the Annotated Enron Subject Line Corpus (Zhang & Tetreault, ACL 2019): the case's real source.

18,302 emails from the Enron corpus, each a body and the subject its sender wrote, in the
authors' official split (train 14,436, dev 1,960, test 1,906); every dev and test email also
has three subjects written by annotators. One email per file in the repository's archive::

    <body, one sentence per line>

    @subject
    <the sender's subject>

    @ann0 ... @ann1 ... @ann2 ...   (dev and test only)

The archive pinned here is the repository's ``master.zip`` of 2019, whose sha256 TensorFlow
Datasets and Hugging Face Datasets both record. GitHub rebuilt that archive in 2023 (a licence
file was added; the 18,302 data files are unchanged), so a download today fails the sha256
check: put the 2019 zip in a mirror (``CASEKIT_DATA_MIRROR``) or in the cache.

Licence: CC BY-NC-SA 4.0 (non-commercial use, share-alike, attribution). The emails are real
and hold personal data (names, phone numbers) made public by the FERC investigation.
"""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

from casekit.cases.downloads import fetch
from casekit.cases.spec import RemoteFile

if TYPE_CHECKING:
    import pandas as pd

DATASET = "aeslc-email-subject"
URL = "https://github.com/ryanzhumich/AESLC/archive/master.zip"
FILES = (RemoteFile("AESLC-master.zip", URL, "b5ea2ffb837c5cfb9b033d62b3940a8a2330a9eb69bd2a39a9f55db6a23a40a4"),)
SPLITS = ("train", "dev", "test")


def load(seed: int) -> dict[str, pd.DataFrame]:
    """Every email of the corpus (the seed is not used: the data is what it is).

    Returns
    -------
    dict of str to DataFrame
        ``emails``: ``split`` (train, dev or test), ``file``, ``mailbox`` (the Enron mailbox, e.g.
        ``allen-p``), ``body``, ``subject``, and ``ann0`` .. ``ann2`` (empty for train), in file order.
    """
    import pandas as pd

    path = fetch(DATASET, FILES)["AESLC-master.zip"]
    rows = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if not name.endswith(".subject"):
                continue
            body, *blocks = archive.read(name).decode("utf-8").split("\n\n@")
            fields = dict(block.split("\n", 1) for block in blocks)
            file = name.rsplit("/", 1)[1]
            rows.append({"split": name.split("/")[2], "file": file, "mailbox": file.split("_", 1)[0], "body": body,
                         "subject": fields["subject"], "ann0": fields.get("ann0", ""), "ann1": fields.get("ann1", ""),
                         "ann2": fields.get("ann2", "")})
    return {"emails": pd.DataFrame(rows)}
