"""Helpers of scripts/bench.sh: timing, process sampling, the loopback stand, markdown."""
