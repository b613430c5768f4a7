"""Writes row-right.npz's arrays again in the other forms numpy saves:
np.savez_compressed (deflated members), dW1 big-endian ('>f8') and dW2 in
column-major order (np.asfortranarray): row-right-compressed.npz.

Regenerate with Debian's numpy:  /usr/bin/python3 gradfile/testdata/gen_npz_forms.py
"""
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
src = np.load(os.path.join(here, "row-right.npz"))
arrays = {k: src[k] for k in src.files}
arrays["dW1"] = arrays["dW1"].astype(">f8")
arrays["dW2"] = np.asfortranarray(arrays["dW2"])
np.savez_compressed(os.path.join(here, "row-right-compressed.npz"), **arrays)
