#!/usr/bin/env python3
"""Tessera MMU microbenchmark: HAP against shadow paging (make bench).

Boots the Tessera ISO once under QEMU TCG (-cpu qemu64,+svm,+npt, like the
system tests) with the dom0 scenario bench-mmu
(tests/system/scenarios/bench-mmu.sh). For each paging mode (hap, shadow)
and phase it boots a 512 MiB, 1-vCPU Linux child that runs one phase of
tests/bench/mmubench.c:
  fork   2,000 fork+exit+wait cycles
  touch  10,000,000 random 8-byte read-modify-writes over 256 MiB
and prints, per phase, both modes' times (the child's own clock), the
shadow/HAP ratio, and the exits during the phase (tess-boot samples them at
the phase's start marker and at poweroff; the difference also holds the
child's poweroff), per fork for the fork phase.

Exit status: 0 if every run ended with poweroff and a result, 1 otherwise
(with the serial log's tail), 2 for a usage or setup error.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "system"))
import bench  # noqa: E402  (log, median, fmt, fail_tail, parse_boot_lines)
import harness  # noqa: E402  (run_qemu, read_log, QEMU_CPU, DOM0_CMDLINE, HV_DEFAULT)

MMU_LINE_RX = re.compile(r"^TESSERA-BENCH mmu (.*)$", re.M)
MODES = ("hap", "shadow")
PHASES = ("fork", "touch")


def phase_exits(run):
    """Exits between the phase marker and poweroff, by reason, and in total."""
    by = {}
    for r in bench.REASONS:
        a, b = run.get("mark_" + r), run.get("end_" + r)
        by[r] = b - a if isinstance(a, int) and isinstance(b, int) else None
    known = [v for v in by.values() if v is not None]
    return by, (sum(known) if len(known) == len(by) else None)


def boot(args, workdir):
    dom0 = ("%s tessera.scenario=bench-mmu tessera.bench_runs=%d tessera.mmu_forks=%d "
            "tessera.mmu_touches=%d tessera.mmu_mib=%d" % (
                harness.DOM0_CMDLINE, args.runs, args.forks, args.touches, args.mib))
    iso = os.path.join(workdir, "mmu.iso")
    serial = os.path.join(args.log_dir, "bench-mmu.log")
    mk = subprocess.run(
        ["bash", os.path.join(TOP, "scripts", "mkiso.sh"), "-o", iso, "--hv", args.hv,
         "--kernel", args.kernel, "--initrd", args.initrd, "--hv-cmdline", args.hv_cmdline,
         "--dom0-cmdline", dom0], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if mk.returncode != 0:
        bench.log(mk.stdout[-4000:])
        return None, "mkiso.sh failed"
    bench.log("mmu: QEMU -cpu %s -smp 2 -m %d, dom0 '%s'" % (harness.QEMU_CPU, args.mem, dom0))
    t0 = time.monotonic()
    ended, _ = harness.run_qemu(dict(name="mmu", smp=2, mem=args.mem,
                                     accel="tcg,thread=single"),
                                iso, serial, args.timeout, args.qemu)
    text = harness.read_log(serial)
    bench.log("mmu: QEMU %s after %.0f s; serial log %s" % (ended, time.monotonic() - t0, serial))
    return text, None


def check(text, runs_wanted):
    runs = bench.parse_boot_lines(text, MMU_LINE_RX)
    problems = re.findall(r"^TESSERA-BENCH-FAIL .*$", text, re.M)
    if not re.search(r"TESSERA-SCENARIO-END name=bench-mmu rc=0\b", text):
        problems.append("the bench-mmu scenario did not end with rc=0")
    if len(runs) != runs_wanted:
        problems.append("%d TESSERA-BENCH mmu lines, %d expected" % (len(runs), runs_wanted))
    return runs, problems


def table(runs, args):
    row_fmt = "%-6s %9s %9s %7s  %-30s %-30s"
    lines = [row_fmt % ("phase", "HAP s", "shadow s", "ratio", "HAP exits", "shadow exits")]
    results = []
    for phase in PHASES:
        row = dict(phase=phase)
        for mode in MODES:
            mine = [r for r in runs if r.get("paging") == mode and r.get("phase") == phase]
            row[mode + "_s"] = bench.median([r.get("seconds") for r in mine])
            row[mode + "_exits"] = bench.median([phase_exits(r)[1] for r in mine])
        row["ratio"] = (row["shadow_s"] / row["hap_s"]) if row["hap_s"] and row["shadow_s"] else None
        n = args.forks if phase == "fork" else args.touches
        per = "per fork" if phase == "fork" else "per 1M touches"
        scale = 1 if phase == "fork" else 1e6
        for mode in MODES:
            e = row[mode + "_exits"]
            row[mode + "_per_op"] = e * scale / n if e is not None else None
        lines.append(row_fmt % (
            phase, bench.fmt(row["hap_s"], "%.2f"), bench.fmt(row["shadow_s"], "%.2f"),
            bench.fmt(row["ratio"], "%.2f"),
            "%s (%s %s)" % (bench.fmt(row["hap_exits"], "%d"),
                            bench.fmt(row["hap_per_op"], "%.1f"), per),
            "%s (%s %s)" % (bench.fmt(row["shadow_exits"], "%d"),
                            bench.fmt(row["shadow_per_op"], "%.1f"), per)))
        results.append(row)
    return "\n".join(lines), results


def by_reason(runs):
    out = []
    for r in runs:
        by, total = phase_exits(r)
        out.append("  %s %s run %s: %s total=%s" % (
            r.get("paging"), r.get("phase"), r.get("run"),
            " ".join("%s=%s" % (k, bench.fmt(v, "%d")) for k, v in by.items()),
            bench.fmt(total, "%d")))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forks", type=int, default=2000)
    ap.add_argument("--touches", type=int, default=10000000)
    ap.add_argument("--mib", type=int, default=256, help="MiB the touches spread over")
    ap.add_argument("--runs", type=int, default=3, help="runs per mode and phase (default 3)")
    ap.add_argument("--builddir", default=os.environ.get("TESS_BUILDDIR", TOP))
    ap.add_argument("--hv", default=os.environ.get("TESS_HV"))
    ap.add_argument("--kernel", default=os.environ.get("TESS_KERNEL"))
    ap.add_argument("--initrd", default=os.environ.get("TESS_INITRD"), help="dom0 initramfs")
    ap.add_argument("--qemu", default=os.environ.get("TESS_QEMU", "qemu-system-x86_64"))
    ap.add_argument("--hv-cmdline", default=harness.HV_DEFAULT)
    ap.add_argument("--mem", type=int, default=2048, help="MiB of the Tessera machine")
    ap.add_argument("--timeout", type=int, default=5400, help="limit for the QEMU run, seconds")
    ap.add_argument("--log-dir", default="", help="serial log (default: tests/bench/logs)")
    args = ap.parse_args()
    if min(args.forks, args.touches, args.mib, args.runs) < 1 or args.mib > 400:
        ap.error("--forks, --touches, --runs must be positive, --mib 1..400 (a 512 MiB child)")
    b = os.path.abspath(args.builddir)
    args.hv = args.hv or os.path.join(b, "hypervisor", "tessera.elf")
    args.kernel = args.kernel or os.path.join(TOP, "cache", "linux", "vmlinuz")
    args.initrd = args.initrd or os.path.join(b, "images", "dom0-initrd.img")
    args.log_dir = os.path.abspath(args.log_dir or os.path.join(b, "tests", "bench", "logs"))
    os.makedirs(args.log_dir, exist_ok=True)
    missing = [p for p in (args.hv, args.kernel, args.initrd) if not os.path.isfile(p)]
    for p in missing:
        bench.log("FAIL: mmu/setup: %s not found (make initrd / scripts/fetch-linux.sh)" % p)
    if missing:
        return 2

    with tempfile.TemporaryDirectory(prefix="tess-mmu-") as workdir:
        text, err = boot(args, workdir)
    if err:
        bench.log("FAIL: mmu/boot: %s" % err)
        return 1
    runs, problems = check(text, len(MODES) * len(PHASES) * args.runs)
    out, _ = table(runs, args)
    bench.log("")
    bench.log("MMU microbenchmark, one 512 MiB 1-vCPU Linux child per run; %d forks; %d touches"
              " over %d MiB; medians of %d run(s)" % (args.forks, args.touches, args.mib,
                                                      args.runs))
    bench.log(out)
    bench.log("exits from the phase's start to poweroff, by reason:")
    bench.log(by_reason(runs))
    bench.log("ratio = shadow / HAP time (the child's own clock; above 1: shadow slower)."
              " Exits run from the phase's start marker to poweroff: touch's include"
              " populating the region (one write per page). Shadow paging's page faults,"
              " CR accesses and INVLPGs count as 'other'.")
    for p in problems:
        bench.log("FAIL: mmu: %s" % p)
    if problems:
        bench.log(bench.fail_tail(text))
    bench.log("mmu: %s" % ("every run powered off with a result" if not problems else "FAILED"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
