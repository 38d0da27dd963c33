#!/usr/bin/env python3
"""Tessera child-boot benchmark (make bench; docs/benchmarks.md).

1. Boots the Tessera ISO once under QEMU TCG (-cpu qemu64,+svm,+npt, as the
   system tests do) with the dom0 scenario bench-boot
   (tests/system/scenarios/bench-boot.sh), which boots Debian's kernel with
   the guest initramfs as a child with tess-boot, RUNS times for each vCPU
   count, and prints one "TESSERA-BENCH boot ..." line per child: the time
   from domain creation to the child's /init banner ("TESSERA-GUEST:") and
   the child's exits by reason at that moment.
2. Baseline, in the same run: the same kernel and initramfs booted directly
   by QEMU TCG as a plain VM (-cpu qemu64, no hypervisor), RUNS times for
   each vCPU count, timed from QEMU's start to the same banner.
3. Prints a table per vCPU count: medians, the Tessera/plain ratio, and the
   median exits by reason at /init with exits per second of boot.

The Tessera child runs nested (inside TCG's emulation of SVM) while the
baseline VM does not, so the ratio is the cost of a Tessera child against a
plain TCG VM, not against bare metal.

Exit status: 0 if every boot reached the banner and powered off, 1 otherwise
(with the failing boot's serial log tail), 2 for a usage or build error.
"""

import argparse
import json
import os
import re
import select
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "system"))
import harness  # noqa: E402  (read_log, run_qemu, QEMU_CPU, DOM0_CMDLINE, HV_DEFAULT)

MARK = "TESSERA-GUEST:"
REASONS = ["cpuid", "msr", "hypercall", "npf", "hlt", "intr", "io", "other"]
GUEST_CMDLINE = "tessera.scenario=hello"
BOOT_LINE_RX = re.compile(r"^TESSERA-BENCH boot (.*)$", re.M)
KINIT_RX = re.compile(rb"\[\s*([0-9]+\.[0-9]+)\] Run /init as init process")
TAIL_LINES = 60


def log(msg):
    print(msg, flush=True)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, spec="%.2f"):
    return "-" if v is None else spec % v


def fail_tail(text, lines=TAIL_LINES):
    out = ["--- last %d lines of the serial log ---" % lines]
    out.extend("  | " + l for l in text.splitlines()[-lines:])
    out.append("--- end of log ---")
    return "\n".join(out)


# --------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------

def build(builddir):
    """make (everything) and the initramfs, as make check / make iso do."""
    for target in (["-j2"], ["initrd"]):
        cmd = ["make", "-C", builddir, "--no-print-directory"] + target
        log("bench: %s" % " ".join(cmd))
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            log(r.stdout[-4000:])
            log("FAIL: bench/build: %s exited with status %d" % (" ".join(cmd), r.returncode))
            return False
    return True


# --------------------------------------------------------------------------
# Tessera: one QEMU boot of the ISO with the bench-boot scenario
# --------------------------------------------------------------------------

def parse_boot_lines(text, rx=BOOT_LINE_RX):
    """TESSERA-BENCH boot lines (or those rx matches) -> list of dicts
    (numbers where they parse)."""
    boots = []
    for m in rx.finditer(text):
        d = {}
        for kv in m.group(1).split():
            k, _, v = kv.partition("=")
            try:
                d[k] = int(v)
            except ValueError:
                try:
                    d[k] = float(v)
                except ValueError:
                    d[k] = None if v == "-" else v
        boots.append(d)
    return boots


def run_tessera(args, workdir):
    dom0 = "%s tessera.scenario=bench-boot tessera.bench_runs=%d tessera.bench_vcpus=%s" % (
        harness.DOM0_CMDLINE, args.runs, ",".join(str(v) for v in args.vcpus))
    iso = os.path.join(workdir, "bench.iso")
    serial = os.path.join(args.log_dir, "bench-tessera.log")
    mk = subprocess.run(
        ["bash", os.path.join(TOP, "scripts", "mkiso.sh"), "-o", iso, "--hv", args.hv,
         "--kernel", args.kernel, "--initrd", args.initrd, "--hv-cmdline", args.hv_cmdline,
         "--dom0-cmdline", dom0],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if mk.returncode != 0:
        log(mk.stdout[-4000:])
        log("FAIL: bench/tessera: mkiso.sh failed")
        return None, False
    if os.path.exists(serial):
        os.unlink(serial)
    boot = dict(name="bench", smp=args.smp, mem=args.mem)
    log("bench: Tessera: QEMU -cpu %s -smp %d -m %d, hv '%s', dom0 '%s'"
        % (harness.QEMU_CPU, args.smp, args.mem, args.hv_cmdline, dom0))
    t0 = time.monotonic()
    ended, qemu_out = harness.run_qemu(boot, iso, serial, args.timeout, args.qemu)
    os.unlink(iso)
    text = harness.read_log(serial)
    log("bench: Tessera: QEMU %s after %.0f s; serial log %s"
        % (ended, time.monotonic() - t0, serial))
    if qemu_out:
        log("\n".join("    qemu: " + l for l in qemu_out.splitlines()[-10:]))

    boots = parse_boot_lines(text)
    problems = []
    if not (ended.startswith("exited") or "scenario end" in ended):
        problems.append("QEMU %s (limit %d s)" % (ended, args.timeout))
    m = re.search(r"TESSERA-SCENARIO-END name=bench-boot rc=(\d+)", text)
    if not m:
        problems.append("no TESSERA-SCENARIO-END line from dom0")
    elif m.group(1) != "0":
        problems.append("scenario bench-boot exited with status %s" % m.group(1))
    for f in re.findall(r"^TESSERA-BENCH-FAIL .*$", text, re.M):
        problems.append(f)
    want = len(args.vcpus) * args.runs
    if len(boots) != want:
        problems.append("%d TESSERA-BENCH boot lines, %d expected" % (len(boots), want))
    for b in boots:
        if b.get("exit") != "poweroff" or b.get("rc") != 0 or b.get("mark_s") is None:
            problems.append("child vcpus=%s run=%s: rc=%s exit=%s mark_s=%s" % (
                b.get("vcpus"), b.get("run"), b.get("rc"), b.get("exit"), b.get("mark_s")))
    for p in problems:
        log("FAIL: bench/tessera: %s" % p)
    if problems:
        log(fail_tail(text))
    return boots, not problems


# --------------------------------------------------------------------------
# Baseline: the same kernel and initramfs in a plain TCG VM
# --------------------------------------------------------------------------

def run_plain(args, vcpus, run, serial_path):
    """One plain-QEMU boot; returns a dict like the Tessera boot lines."""
    cmd = [args.qemu, "-accel", "tcg", "-cpu", "qemu64", "-smp", str(vcpus),
           "-m", str(args.guest_mem), "-kernel", args.guest_kernel,
           "-initrd", args.guest_initrd,
           "-append", "console=ttyS0,115200 panic=-1 " + GUEST_CMDLINE,
           "-display", "none", "-monitor", "none", "-no-reboot", "-serial", "stdio"]
    res = dict(vcpus=vcpus, run=run, mark_s=None, kinit_s=None, guest_cpus=None,
               exit=None, rc=None)
    buf = b""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    fd = proc.stdout.fileno()
    deadline = t0 + args.plain_timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            proc.kill()
            res["exit"] = "timeout"
            break
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        now = time.monotonic()
        if not chunk:
            break
        buf += chunk
        if res["mark_s"] is None and MARK.encode() in buf:
            res["mark_s"] = now - t0
    res["rc"] = proc.wait()
    res["total_s"] = time.monotonic() - t0
    with open(serial_path, "wb") as f:
        f.write(buf)
    text = buf.decode("utf-8", errors="replace").replace("\r", "")
    m = KINIT_RX.search(buf)
    if m:
        res["kinit_s"] = float(m.group(1))
    m = re.search(r"TESSERA-GUEST: cpus=(\d+)", text)
    if m:
        res["guest_cpus"] = int(m.group(1))
    if res["exit"] is None:
        res["exit"] = "poweroff" if re.search(r"reboot: Power down", text) else \
            "qemu-exit-%d" % res["rc"]
    return res, text


def run_baseline(args):
    results, ok = [], True
    for v in args.vcpus:
        for i in range(1, args.runs + 1):
            serial = os.path.join(args.log_dir, "bench-plain-v%d-r%d.log" % (v, i))
            r, text = run_plain(args, v, i, serial)
            log("bench: plain QEMU vcpus=%d run=%d: %s after %s s (kernel 'Run /init' at %s s),"
                " exit=%s, QEMU ran %.1f s" % (v, i, MARK, fmt(r["mark_s"], "%.3f"),
                                               fmt(r["kinit_s"], "%.3f"), r["exit"], r["total_s"]))
            why = []
            if r["mark_s"] is None:
                why.append("no %s banner" % MARK)
            if r["exit"] != "poweroff":
                why.append("exit=%s (poweroff expected)" % r["exit"])
            if r["guest_cpus"] != v:
                why.append("the guest saw %s CPU(s), %d expected" % (r["guest_cpus"], v))
            if why:
                ok = False
                log("FAIL: bench/plain-v%d-r%d: %s; serial log %s" % (v, i, "; ".join(why), serial))
                log(fail_tail(text, 30))
            results.append(r)
    return results, ok


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def ratio(a, b):
    return a / b if a and b else None


def summarize(tess, plain, vcpus_list):
    rows = []
    for v in vcpus_list:
        t = [b for b in tess if b.get("vcpus") == v]
        p = [b for b in plain if b.get("vcpus") == v]
        row = dict(vcpus=v, runs=len(t), plain_runs=len(p))
        # Tessera: tess-boot start -> banner (create + load + boot), and its parts.
        row["tess_s"] = median(b.get("start_to_mark_s") for b in t)
        row["create_s"] = median(b.get("start_to_created_s") for b in t)
        row["load_s"] = median(
            b["start_to_mark_s"] - b["start_to_created_s"] - b["mark_s"] for b in t
            if None not in (b.get("start_to_mark_s"), b.get("start_to_created_s"),
                            b.get("mark_s")))
        row["boot_s"] = median(b.get("mark_s") for b in t)
        row["plain_s"] = median(b.get("mark_s") for b in p)
        row["ratio"] = ratio(row["tess_s"], row["plain_s"])
        row["boot_ratio"] = ratio(row["boot_s"], row["plain_s"])
        row["tess_kinit_s"] = median(b.get("kinit_s") for b in t)
        row["plain_kinit_s"] = median(b.get("kinit_s") for b in p)
        row["kinit_ratio"] = ratio(row["tess_kinit_s"], row["plain_kinit_s"])
        # Exits at the mark: from the runs whose mark came while the child ran
        # (late_mark=0); the others only have the counts at poweroff.
        timely = [b for b in t if b.get("mark_cpuid") is not None and not b.get("late_mark")]
        row["late_marks"] = sum(1 for b in t if b.get("late_mark"))
        row["exit_runs"] = len(timely)
        row["exits"] = {r: median(b.get("mark_" + r) for b in timely) for r in REASONS}
        totals = [sum(b.get("mark_" + r) or 0 for r in REASONS) for b in timely]
        row["exits_total"] = median(totals)
        row["exits_per_s"] = median(tot / b["mark_s"] for tot, b in zip(totals, timely)
                                    if b.get("mark_s"))
        row["console_bytes"] = median(b.get("console_bytes") for b in timely)
        row["end_exits_total"] = median(
            sum(b.get("end_" + r) or 0 for r in REASONS) for b in t
            if b.get("end_cpuid") is not None)
        rows.append(row)
    return rows


def table(rows, runs):
    out = []
    out.append("Child boot to the /init banner '%s', median of %d runs per row" % (MARK, runs))
    out.append("")
    out.append("| vCPUs | Tessera: tess-boot start -> banner (s) | create (s) | load (s) "
               "| boot (s) | plain QEMU: start -> banner (s) | ratio | boot-only ratio "
               "| kernel 'Run /init' Tessera / plain (s) |")
    out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        out.append("| %d | %s | %s | %s | %s | %s | %s | %s | %s / %s |" % (
            r["vcpus"], fmt(r["tess_s"]), fmt(r["create_s"]), fmt(r["load_s"]),
            fmt(r["boot_s"]), fmt(r["plain_s"]), fmt(r["ratio"], "%.2fx"),
            fmt(r["boot_ratio"], "%.2fx"), fmt(r["tess_kinit_s"]), fmt(r["plain_kinit_s"])))
    out.append("")
    out.append("Tessera child's exits by reason at the banner (median over the runs"
               " whose mark came while the child ran)")
    out.append("")
    out.append("| vCPUs | runs | " + " | ".join(REASONS) + " | total | exits/s of boot "
               "| console bytes | total at poweroff |")
    out.append("| ---: | ---: | " + " | ".join("---:" for _ in REASONS)
               + " | ---: | ---: | ---: | ---: |")
    for r in rows:
        out.append("| %d | %d | %s | %s | %s | %s | %s |" % (
            r["vcpus"], r["exit_runs"], " | ".join(fmt(r["exits"][k], "%d") for k in REASONS),
            fmt(r["exits_total"], "%d"), fmt(r["exits_per_s"], "%.0f"),
            fmt(r["console_bytes"], "%d"),
            fmt(r["end_exits_total"], "%d")))
    late = sum(r["late_marks"] for r in rows)
    if late:
        out.append("")
        out.append("(%d run(s) had late_mark=1: tess-boot saw the banner only after the child"
                   " stopped; their exits are left out above)" % late)
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")),
                    help="boots per vCPU count, Tessera and plain each (default 3)")
    ap.add_argument("--vcpus", default=os.environ.get("BENCH_VCPUS", "1,2"),
                    help="comma-separated vCPU counts (default 1,2)")
    ap.add_argument("--no-build", action="store_true",
                    help="do not run make and make initrd first (make bench already did)")
    ap.add_argument("--builddir", default=os.environ.get("TESS_BUILDDIR", TOP))
    ap.add_argument("--hv", default=os.environ.get("TESS_HV"))
    ap.add_argument("--kernel", default=os.environ.get("TESS_KERNEL"),
                    help="dom0 kernel (also the guest kernel; default cache/linux/vmlinuz)")
    ap.add_argument("--initrd", default=os.environ.get("TESS_INITRD"), help="dom0 initramfs")
    ap.add_argument("--guest-kernel", default=os.environ.get("TESS_GUEST_KERNEL"),
                    help="the child's kernel for the baseline (default: the dom0 kernel,"
                         " which the initramfs carries as /guest/linux/vmlinuz)")
    ap.add_argument("--guest-initrd", default=os.environ.get("TESS_GUEST_INITRD"),
                    help="the child's initramfs (default images/guest-initrd.img)")
    ap.add_argument("--qemu", default=os.environ.get("TESS_QEMU", "qemu-system-x86_64"))
    ap.add_argument("--hv-cmdline", default=harness.HV_DEFAULT)
    ap.add_argument("--smp", type=int, default=2, help="CPUs of the Tessera machine (dom0)")
    ap.add_argument("--mem", type=int, default=2048, help="MiB of the Tessera machine")
    ap.add_argument("--guest-mem", type=int, default=256,
                    help="MiB of the baseline VM (tess-boot's default child size)")
    ap.add_argument("--timeout", type=int, default=600,
                    help="limit for the Tessera boot, seconds (default 600)")
    ap.add_argument("--plain-timeout", type=int, default=120,
                    help="limit for one plain-QEMU boot, seconds (default 120)")
    ap.add_argument("--log-dir", default="", help="keep serial logs here (default: tests/bench/logs)")
    ap.add_argument("--json", default="", help="also write all results to this JSON file")
    ap.add_argument("--skip-baseline", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    try:
        args.vcpus = [int(v) for v in args.vcpus.split(",") if v]
    except ValueError:
        ap.error("--vcpus wants numbers, e.g. 1,2")
    if args.runs < 1 or not args.vcpus or min(args.vcpus) < 1:
        ap.error("--runs and --vcpus must be positive")
    if max(args.vcpus) > args.smp:
        ap.error("a %d-vCPU child needs --smp %d or more" % (max(args.vcpus), max(args.vcpus)))
    b = os.path.abspath(args.builddir)
    args.hv = args.hv or os.path.join(b, "hypervisor", "tessera.elf")
    args.kernel = args.kernel or os.path.join(TOP, "cache", "linux", "vmlinuz")
    args.initrd = args.initrd or os.path.join(b, "images", "dom0-initrd.img")
    args.guest_kernel = args.guest_kernel or args.kernel
    args.guest_initrd = args.guest_initrd or os.path.join(b, "images", "guest-initrd.img")
    args.log_dir = os.path.abspath(args.log_dir or os.path.join(b, "tests", "bench", "logs"))
    os.makedirs(args.log_dir, exist_ok=True)

    if not args.no_build and not build(b):
        return 2
    missing = [p for p in (args.hv, args.kernel, args.initrd, args.guest_kernel,
                           args.guest_initrd) if not os.path.isfile(p)]
    for p in missing:
        log("FAIL: bench/setup: %s not found (run make / make initrd / scripts/fetch-linux.sh)" % p)
    if missing:
        return 2

    qemu_version = subprocess.run([args.qemu, "--version"], stdout=subprocess.PIPE,
                                  text=True).stdout.splitlines()[0]
    log("bench: %s; host %s, %d CPUs; load average %s" % (
        qemu_version, os.uname().machine, os.cpu_count(),
        " ".join("%.2f" % x for x in os.getloadavg())))
    log("bench: %d run(s) per vCPU count %s; one QEMU at a time" % (
        args.runs, ",".join(map(str, args.vcpus))))

    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tess-bench-") as workdir:
        tess, tess_ok = run_tessera(args, workdir)
    tess = tess or []
    plain, plain_ok = ([], True) if args.skip_baseline else run_baseline(args)
    rows = summarize(tess, plain, args.vcpus)

    log("")
    log(table(rows, args.runs))
    log("")
    log("Tessera: from tess-boot's start (create: 256 MiB domain made; load: kernel and"
        " initramfs copied in; boot: tess-boot's own mark time, vCPUs running) to the banner;"
        " the child runs nested in TCG's SVM (dom0 on -cpu %s -smp %d -m %d)."
        % (harness.QEMU_CPU, args.smp, args.mem))
    log("plain: from QEMU's start to the banner, the same kernel and initramfs with"
        " -cpu qemu64 -m %d, no hypervisor." % args.guest_mem)
    log("ratio = Tessera total / plain; boot-only ratio = Tessera boot / plain."
        " Exits/s = exits at the banner / boot time, per run, median.")
    log("bench: finished in %.0f s; load average %s; logs in %s" % (
        time.monotonic() - t0, " ".join("%.2f" % x for x in os.getloadavg()), args.log_dir))
    for r in rows:
        log("BENCH-RESULT vcpus=%d tessera_s=%s create_s=%s load_s=%s boot_s=%s plain_s=%s "
            "ratio=%s boot_ratio=%s kinit_tessera_s=%s kinit_plain_s=%s %s exits_total=%s "
            "exits_per_s=%s console_bytes=%s late_marks=%d" % (
                r["vcpus"], fmt(r["tess_s"], "%.3f"), fmt(r["create_s"], "%.3f"),
                fmt(r["load_s"], "%.3f"), fmt(r["boot_s"], "%.3f"), fmt(r["plain_s"], "%.3f"),
                fmt(r["ratio"], "%.3f"), fmt(r["boot_ratio"], "%.3f"),
                fmt(r["tess_kinit_s"], "%.3f"), fmt(r["plain_kinit_s"], "%.3f"),
                " ".join("exits_%s=%s" % (k, fmt(r["exits"][k], "%d")) for k in REASONS),
                fmt(r["exits_total"], "%d"), fmt(r["exits_per_s"], "%.0f"),
                fmt(r["console_bytes"], "%d"), r["late_marks"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(qemu=qemu_version, runs=args.runs, vcpus=args.vcpus,
                           tessera=tess, plain=plain, summary=rows), f, indent=1)
    ok = tess_ok and plain_ok
    log("bench: %s" % ("all boots reached /init and powered off" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
