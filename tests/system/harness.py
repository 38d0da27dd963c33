#!/usr/bin/env python3
"""Tessera system tests: boot the ISO under QEMU TCG and check the serial log.

Each entry of BOOTS is one QEMU boot: an ISO is built for it (scripts/mkiso.sh)
with its own hypervisor and dom0 command lines, QEMU runs without a display
and writes the serial port (hypervisor log + dom0 console) to a file, and the
boot's checks are evaluated on that log once QEMU exits or its time runs out.

Check kinds (see BOOTS):
  ("present", name, regex)   regex must match somewhere in the log
  ("absent", name, regex)    regex must not match anywhere in the log
  ("scenario", names)        dom0 scenario printed "TESSERA-TEST PASS <n>" for
                             each n in names and no "TESSERA-TEST FAIL" line;
                             reported as one check per scenario test
  ("marker-in-range",)       the address in "mem: isolation marker at 0x.."
                             lies in "TESSERA-ISOLATION-RANGE 0x<start> 0x<end>"
                             (end inclusive) printed by the basic scenario
  ("json", tag, predicate)   the text between "TESS-JSON-BEGIN tag" and
                             "TESS-JSON-END tag" parses as JSON and
                             predicate(obj) returns None (else: why it failed)

Output: one "PASS: <boot>/<check>" or "FAIL: <boot>/<check>: <why>" line per
check; after a failed boot, the last 60 lines of its serial log.
Exit status: 0 if everything passed, 1 otherwise.
"""

import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# --------------------------------------------------------------------------
# The boot table.  Adjust regexes here as the hypervisor grows.
# --------------------------------------------------------------------------

HV_DEFAULT = "console=com1 loglvl=info dom0_mem=1024M"
BASIC_TESTS = ["signature", "memory", "cpus", "isolation", "isolation-write",
               "isolation-alive"]


def banner(cpus, mem_mib, sig="TesseraHV"):
    return ("present", "dom0-banner",
            r"TESSERA-DOM0: signature=%s cpus=%d memory_mib=%d\b" % (sig, cpus, mem_mib))


def vcpu_started(n):
    return ("present", "vcpu%d-started" % n,
            r"smp: dom0 vCPU%d started on CPU%d\b" % (n, n))


def basic_checks(cpus, mem_mib):
    """Checks shared by every boot that runs the 'basic' scenario."""
    return [
        ("present", "svm-enabled", r"svm: CPU0 SVM enabled \((NPT available|no NPT: shadow paging only)\)"),
        ("present", "dom0-e820", r"dom0: e820"),
        banner(cpus, mem_mib),
        ("scenario", BASIC_TESTS),
        ("present", "scenario-end", r"TESSERA-SCENARIO-END name=basic rc=0\b"),
        ("marker-in-range",),
        ("absent", "no-dom0-panic", r"Kernel panic"),
    ]


# Test kernels the children scenario runs (tests/guest), plus multi4: hello
# four times at once. After them the scenario stops tess-run with SIGINT
# (runner-sigint), runs tess-dmesg, an over-sized child (enomem),
# tess-abi-check (documented errors) and tess-fuzz (100000 random hypercalls).
CHILD_TESTS = ["hello", "boot_state", "hc_eperm", "cpuid", "msr_gp", "hlt_timer",
               "bad_gpa", "triple_fault", "multi4", "spin", "cpl3_eperm",
               "apic_regs", "apic_timer", "apic_ipi", "uart_irq", "pat", "acpi_off", "uart_io", "ports", "kbd_reset",
               "pvpanic", "rtc", "power_button", "paging"]

# What scenarios/console.sh reports.
CONSOLE_TESTS = ["module-load", "guest-banner", "attach", "socket-mode", "busy-refused",
                 "runner-refused", "reattach", "console-log", "poweroff", "runner-exit",
                 "socket-removed"]

# What scenarios/tess.sh reports, and the predicates on its --json output
# (shapes: docs/cli.md).
TESS_TESTS = ["module-load", "examples-valid", "bad-xml-refused", "no-room-refused",
              "missing-kernel-refused", "unknown-domain", "unknown-verb",
              "refused-created-nothing", "define", "redefine", "start",
              "start-twice-refused", "console", "dumpxml", "pause-unpause",
              "guest-reboot-restarts", "tess-reboot", "shutdown", "runner-gone", "create",
              "destroy", "shadow-create", "shadow-info-text", "shadow-destroy", "undefine",
              "pool-baseline"]
MIB = 1 << 20


def children_of(listing):
    return [d for d in listing["domains"] if d["id"] != 0]


def expect(cond, why):
    return None if cond else why


def only_dom0(listing):
    doms = listing["domains"]
    return expect(len(doms) == 1 and doms[0]["id"] == 0 and doms[0]["state"] == "running",
                  "expected dom0 alone: %s" % json.dumps(doms))


def one_child(state, running):
    def check(listing):
        kids = children_of(listing)
        if len(kids) != 1:
            return "expected one child: %s" % json.dumps(kids)
        k = kids[0]
        return expect(k["state"] == state and (k["id"] is not None) == running
                      and k["persistent"] and k["memory_bytes"] == 256 * MIB
                      and k["vcpus"] == 1 and len(k["uuid"]) == 36,
                      "expected a persistent 1-vCPU 256 MiB child %s: %s"
                      % (state, json.dumps(k)))
    return check


def paging_consistent(i, paging):
    """The mode is paging, and shadow counters come with shadow only."""
    if i["paging"] != paging:
        return False
    if i["paging"] == "shadow":
        return i["shadow"]["faults"] > 0 and i["shadow"]["filled"] > 0
    return i["paging"] == "hap" and i["shadow"] is None


def child_info(state, vcpus, restarts, persistent=True, paging="hap"):
    def check(i):
        return expect(i["state"] == state and i["vcpus"] == vcpus
                      and paging_consistent(i, paging)
                      and i["memory_bytes"] == 256 * MIB and i["persistent"] == persistent
                      and isinstance(i["id"], int) and i["id"] > 0
                      and i["uptime_seconds"] >= 0 and i["restarts"] == restarts
                      and i["exits"]["total"] > 0 and i["exits"]["io"] > 0
                      and i["console_log"].startswith("/var/log/tessera/"),
                      "expected %s, %d vCPUs, %d restarts, paging %s, exits: %s"
                      % (state, vcpus, restarts, paging, json.dumps(i)))
    return check


def host_info(paging):
    return lambda h: expect(h["cpus"] == 2 and h["paging"]["hap"] == (paging == "hap")
                  and h["paging"]["shadow"] and h["vendor"] == "SVM"
                  and 0 < h["free_bytes"] < h["memory_bytes"] and h["domains"] >= 1
                  and re.match(r"^\d+\.\d+$", h["abi"]), "unexpected: %s" % json.dumps(h))


def linux_checks():
    return [
        banner(2, 1024),
        ("scenario", ["linux-1vcpu", "linux-2vcpu", "linux-power-button", "linux-panic",
                      "linux-three"]),
        ("present", "scenario-end", r"TESSERA-SCENARIO-END name=linux rc=0\b"),
        ("absent", "no-hv-panic", r"\(tess\) E panic: "),
        ("absent", "no-hv-trap", r"\(tess\) E trap: "),
        ("absent", "no-dom0-nmi", r"Uhhuh\. NMI received"),
    ]


def dom0_info(paging):
    return lambda i: expect(i["id"] == 0 and i["state"] == "running"
                            and paging_consistent(i, paging),
                            "expected dom0 running on %s paging: %s" % (paging, json.dumps(i)))


def tess_json(paging):
    """The tess boot's JSON checks on a machine whose default mode is paging."""
    return [
        ("json", "host-info", host_info(paging)),
        ("json", "dom0-info", dom0_info(paging)),
        ("json", "after-refused", only_dom0),
        ("json", "defined", one_child("shut off", False)),
        ("json", "running", one_child("running", True)),
        ("json", "running-info", child_info("running", 1, 0, paging=paging)),
        ("json", "paused-info", child_info("paused", 1, 0, paging=paging)),
        ("json", "restarted-info", child_info("running", 1, 1, paging=paging)),
        ("json", "after-shutdown", one_child("shut off", False)),
        ("json", "transient-info", child_info("running", 2, 0, persistent=False, paging=paging)),
        ("json", "shadow-info", child_info("running", 1, 0, persistent=False, paging="shadow")),
        ("json", "at-end", only_dom0),
    ]

BOOTS = [
    dict(name="smp2", smp=2, mem=2048, hv=HV_DEFAULT, scenario="basic",
         expect_cpus=2, expect_mem_mib=1024, timeout=300,
         checks=basic_checks(2, 1024) + [vcpu_started(1)]),
    dict(name="smp1", smp=1, mem=2048, hv=HV_DEFAULT, scenario="basic",
         expect_cpus=1, expect_mem_mib=1024, timeout=300,
         checks=basic_checks(1, 1024) + [
             ("absent", "no-vcpu1", r"smp: dom0 vCPU1 started")]),
    dict(name="smp4", smp=4, mem=2048,
         hv=HV_DEFAULT + " bogus_option=1 dom0_max_vcpus=x7", scenario="basic",
         expect_cpus=4, expect_mem_mib=1024, timeout=450,
         checks=basic_checks(4, 1024) + [vcpu_started(n) for n in (1, 2, 3)] + [
             ("present", "unknown-option-reported", r"unknown option 'bogus_option'"),
             ("present", "malformed-value-reported",
              r"malformed value for dom0_max_vcpus"),
         ]),
    dict(name="maxvcpus1", smp=2, mem=2048, hv=HV_DEFAULT + " dom0_max_vcpus=1",
         scenario="basic", expect_cpus=1, expect_mem_mib=1024, timeout=300,
         checks=basic_checks(1, 1024) + [
             ("absent", "no-vcpu1", r"smp: dom0 vCPU1 started"),
             ("present", "cpu1-stays-parked",
              r"smp: 1 parked CPU\(s\) stay outside dom0; its LAPIC writes stay trapped")]),
    # Linux's reboot=t resets by triple fault: the hypervisor must log the
    # state and reset the machine (QEMU -no-reboot then exits by itself).
    dict(name="triplefault", smp=2, mem=2048, hv=HV_DEFAULT, scenario="triplefault",
         timeout=300, dom0_extra="reboot=t",
         checks=[
             ("present", "reboot-requested", r"TESSERA-TEST PASS reboot-requested"),
             ("present", "triple-fault-logged", r"exit: dom0 vCPU\d+: triple fault"),
             ("present", "state-dumped", r"\(tess\) E   rip [0-9a-f]{16} rsp"),
             ("present", "machine-reset", r"reboot: resetting the machine"),
         ]),
    # The control path: tessera.ko, libctrl and tess-run run each test kernel
    # of tests/guest as a child domain (scenarios/children.sh).
    dict(name="children", smp=2, mem=2048, hv=HV_DEFAULT, scenario="children",
         timeout=600,
         checks=[
             banner(2, 1024),
             ("scenario", ["module-load"] + ["child-" + t for t in CHILD_TESTS]
              + ["child-" + t + "-shadow" for t in CHILD_TESTS]
              + ["tess-run-mismatch", "runner-sigint", "dmesg", "enomem", "abi-check",
                 "fuzz"]),
             ("present", "scenario-end", r"TESSERA-SCENARIO-END name=children rc=0\b"),
             ("absent", "no-hv-panic", r"\(tess\) E panic: "),
             ("absent", "no-hv-trap", r"\(tess\) E trap: "),
             ("absent", "no-dom0-panic", r"Kernel panic"),
         ]),
    # Debian's kernel as a child (scenarios/linux.sh): a shell on 1 and on 2
    # vCPUs answering typed commands, poweroff, reboot, a power-button press
    # from dom0 ending in poweroff, a panic reported as a crash while
    # another child runs, and three children at once.
    # Single-threaded TCG: with one host thread per CPU (MTTCG), QEMU 7.2
    # sometimes writes the host's state (RIP just after VMRUN, the
    # hypervisor's CR3 and stack) into a guest's VMCB when several children
    # run at once; the guest then runs hypervisor code and crashes (about 3
    # in 15 boots of three children at once, 0 in 15 with thread=single).
    # See docs/architecture.md, "Not done yet".
    dict(name="linux", smp=2, mem=2048, hv=HV_DEFAULT, scenario="linux",
         timeout=1500, accel="tcg,thread=single", checks=linux_checks()),
    # The same Linux scenario with every child on shadow paging
    # (<hap state='off'/>'s path) where the CPU has nested paging.
    dict(name="linux-shadow", smp=2, mem=2048, hv=HV_DEFAULT, scenario="linux",
         dom0_extra="tessera.linux_paging=shadow", machines=["npt"],
         timeout=1500, accel="tcg,thread=single",
         checks=linux_checks() + [
             ("present", "children-on-shadow", r"domain: created dom\d+ 'l1': .*, shadow"),
         ]),
    # The tess CLI round trip with XML definitions (scenarios/tess.sh).
    dict(name="tess", smp=2, mem=2048, hv=HV_DEFAULT, scenario="tess",
         timeout=1800, accel="tcg,thread=single",
         checks=lambda m: [
             ("scenario", TESS_TESTS),
             ("present", "scenario-end", r"TESSERA-SCENARIO-END name=tess rc=0\b"),
             ("absent", "no-hv-panic", r"\(tess\) E panic: "),
             ("absent", "no-hv-trap", r"\(tess\) E trap: "),
             ("absent", "no-dom0-panic", r"Kernel panic"),
         ] + tess_json(m["paging"])),
    # The README's demo (scenarios/demo.sh, what make demo runs before its
    # shell): tess create from an example, list, the child's shell, shutdown.
    dict(name="demo", smp=2, mem=2048, hv=HV_DEFAULT, scenario="demo",
         timeout=900, accel="tcg,thread=single",
         checks=[
             ("scenario", ["demo-create", "demo-list", "demo-console", "demo-shutdown"]),
             ("present", "scenario-end", r"TESSERA-SCENARIO-END name=demo rc=0\b"),
             ("absent", "no-hv-panic", r"\(tess\) E panic: "),
         ]),
    # tess-console attaches to a Linux child's console through tess-boot's
    # socket (scenarios/console.sh).
    dict(name="console", smp=2, mem=2048, hv=HV_DEFAULT, scenario="console",
         timeout=900,
         checks=[
             ("scenario", CONSOLE_TESTS),
             ("present", "scenario-end", r"TESSERA-SCENARIO-END name=console rc=0\b"),
             ("absent", "no-hv-panic", r"\(tess\) E panic: "),
             ("absent", "no-hv-trap", r"\(tess\) E trap: "),
             ("absent", "no-dom0-panic", r"Kernel panic"),
         ]),
]

# The machines every boot runs on (a boot may name fewer in "machines"):
# AMD SVM with nested paging, and without it, where every domain, dom0
# included, runs on shadow paging. Boot names get the machine's prefix.
MACHINES = [
    dict(name="npt", cpu="qemu64,+svm,+npt", prefix="", paging="hap",
         dom0_paging=r"HAP \(NPT\)"),
    dict(name="nonpt", cpu="qemu64,+svm", prefix="nonpt-", paging="shadow",
         dom0_paging="shadow"),
]


def machine_boots(boots, machines):
    """Each boot on each machine it runs on, with that machine's checks."""
    out = []
    for m in machines:
        for b in boots:
            if m["name"] not in b.get("machines", [mm["name"] for mm in MACHINES]):
                continue
            checks = b["checks"](m) if callable(b["checks"]) else list(b["checks"])
            checks.append(("present", "dom0-paging",
                           r"dom0: starting vCPU0 on CPU0 with SVM and %s paging"
                           % m["dom0_paging"]))
            out.append(dict(b, name=m["prefix"] + b["name"], cpu=m["cpu"], checks=checks))
    return out


# Defaults shared by all boots.
QEMU_CPU = MACHINES[0]["cpu"]
DOM0_CMDLINE = "console=ttyS0,115200 panic=-1"
END_GRACE_S = 15     # after TESSERA-SCENARIO-END, wait this long for poweroff
# A log line matching this ends the boot early (after FATAL_GRACE_S).
FATAL_RX = r"\(tess\) E panic: |\(tess\) E trap: .* stopped|Kernel panic - not syncing"
FATAL_GRACE_S = 5
TAIL_LINES = 60

# --------------------------------------------------------------------------

print_lock = threading.Lock()


def dom0_cmdline(boot):
    parts = [DOM0_CMDLINE]
    if boot.get("dom0_extra"):
        parts.append(boot["dom0_extra"])
    if boot.get("scenario"):
        parts.append("tessera.scenario=%s" % boot["scenario"])
    if "expect_cpus" in boot:
        parts.append("tessera.expect_cpus=%d" % boot["expect_cpus"])
    if "expect_mem_mib" in boot:
        parts.append("tessera.expect_mem_mib=%d" % boot["expect_mem_mib"])
    return " ".join(parts)


def read_log(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return ""
    text = data.decode("utf-8", errors="replace").replace("\r", "")
    # Drop terminal escape sequences GRUB and the shell emit.
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def run_qemu(boot, iso, log, timeout, qemu):
    """Run one boot; returns (how it ended, qemu's own output)."""
    cmd = [qemu, "-accel", boot.get("accel", "tcg"), "-cpu", boot.get("cpu", QEMU_CPU),
           "-smp", str(boot["smp"]), "-m", str(boot["mem"]),
           "-display", "none", "-monitor", "none", "-no-reboot",
           "-serial", "file:" + log, "-cdrom", iso]
    out_path = log + ".qemu"
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
        start = time.monotonic()
        end_seen_at = fatal_at = None
        ended = None
        while ended is None:
            try:
                rc = proc.wait(timeout=1)
                ended = "exited rc=%d" % rc
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            text = read_log(log)
            if end_seen_at is None and "TESSERA-SCENARIO-END" in text:
                end_seen_at = now
            if fatal_at is None and re.search(FATAL_RX, text):
                fatal_at = now
            if end_seen_at is not None and now - end_seen_at > END_GRACE_S:
                ended = "killed %ds after scenario end (no poweroff)" % END_GRACE_S
            elif fatal_at is not None and now - fatal_at > FATAL_GRACE_S:
                ended = "killed after a panic line"
            elif now - start > timeout:
                ended = "timeout"
            if ended:
                proc.kill()
                proc.wait()
    with open(out_path, "rb") as f:
        qemu_out = f.read().decode("utf-8", errors="replace").strip()
    return ended, qemu_out


def evaluate(boot, log_text, ended, timeout):
    """Returns a list of (ok, check name, why)."""
    results = []
    finished = ended.startswith("exited") or "scenario end" in ended
    why = "QEMU %s" % ended
    if ended == "timeout":
        why = "QEMU still running after %ds (timeout)" % timeout
    results.append((finished, "boot-finished", "" if finished else why))
    for check in boot["checks"]:
        kind = check[0]
        if kind == "present":
            _, name, rx = check
            ok = re.search(rx, log_text, re.M) is not None
            results.append((ok, name, "" if ok else "no match for /%s/" % rx))
        elif kind == "absent":
            _, name, rx = check
            m = re.search(rx, log_text, re.M)
            results.append((m is None, name,
                            "" if m is None else "found /%s/: %r" % (rx, line_of(log_text, m))))
        elif kind == "scenario":
            results.extend(scenario_results(check[1], log_text))
        elif kind == "marker-in-range":
            results.append(marker_in_range(log_text))
        elif kind == "json":
            results.append(json_check(log_text, check[1], check[2]))
        else:
            results.append((False, str(check), "unknown check kind %r" % kind))
    return results


def line_of(text, m):
    s = text.rfind("\n", 0, m.start()) + 1
    e = text.find("\n", m.end())
    return text[s:e if e >= 0 else len(text)].strip()


def scenario_results(expected, log_text):
    seen = {}
    for m in re.finditer(r"TESSERA-TEST (PASS|FAIL) ([\w.-]+)(?::[ ]?(.*))?", log_text):
        status, name, detail = m.group(1), m.group(2), (m.group(3) or "").strip()
        # A FAIL for a name wins over a PASS for the same name.
        if seen.get(name, ("PASS",))[0] == "PASS":
            seen[name] = (status, detail)
    results = []
    for name in expected:
        if name not in seen:
            results.append((False, "scenario:" + name, "no TESSERA-TEST line for it"))
    for name, (status, detail) in seen.items():
        results.append((status == "PASS", "scenario:" + name, detail))
    if not seen and not expected:
        results.append((False, "scenario", "no TESSERA-TEST lines at all"))
    return results


def json_check(log_text, tag, predicate):
    """A JSON document the scenario framed with TESS-JSON-BEGIN/END tag."""
    name = "json:" + tag
    m = re.search(r"^TESS-JSON-BEGIN %s\n(.*?)^TESS-JSON-END %s$" % (re.escape(tag), re.escape(tag)),
                  log_text, re.M | re.S)
    if not m:
        return (False, name, "no TESS-JSON-BEGIN/END %s block" % tag)
    try:
        obj = json.loads(m.group(1))
    except ValueError as e:
        return (False, name, "not JSON (%s): %r" % (e, m.group(1)[:300]))
    try:
        why = predicate(obj)
    except (KeyError, TypeError, IndexError) as e:
        why = "unexpected shape (%r): %s" % (e, json.dumps(obj)[:300])
    return (why is None, name, why or "")


def marker_in_range(log_text):
    name = "isolation-marker-in-range"
    m = re.search(r"mem: isolation marker at 0x([0-9a-fA-F]+)", log_text)
    r = re.search(r"TESSERA-ISOLATION-RANGE 0x([0-9a-fA-F]+) 0x([0-9a-fA-F]+)", log_text)
    if not m:
        return (False, name, "no 'mem: isolation marker at 0x...' line")
    if not r:
        return (False, name, "no TESSERA-ISOLATION-RANGE line from dom0")
    addr, lo, hi = int(m.group(1), 16), int(r.group(1), 16), int(r.group(2), 16)
    if lo <= addr <= hi:
        return (True, name, "")
    return (False, name, "marker 0x%x outside scanned range 0x%x-0x%x" % (addr, lo, hi))


def run_boot(boot, args, workdir):
    name = boot["name"]
    iso = os.path.join(workdir, name + ".iso")
    log = os.path.join(args.log_dir, name + ".log")
    timeout = int(boot["timeout"] * args.timeout_scale)
    lines = ["=== boot %s: -smp %d -m %d, hv '%s', dom0 '%s'"
             % (name, boot["smp"], boot["mem"], boot["hv"], dom0_cmdline(boot))]
    mk = subprocess.run(
        ["bash", os.path.join(TOP, "scripts", "mkiso.sh"), "-o", iso,
         "--hv", args.hv, "--kernel", args.kernel, "--initrd", args.initrd,
         "--hv-cmdline", boot["hv"], "--dom0-cmdline", dom0_cmdline(boot)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if mk.returncode != 0:
        lines.append("FAIL: %s/build-iso: mkiso.sh failed" % name)
        lines.extend("  | " + l for l in mk.stdout.splitlines()[-TAIL_LINES:])
        return lines, 1
    if os.path.exists(log):
        os.unlink(log)
    t0 = time.monotonic()
    ended, qemu_out = run_qemu(boot, iso, log, timeout, args.qemu)
    os.unlink(iso)
    log_text = read_log(log)
    lines.append("    QEMU %s after %.0fs; serial log %s" % (ended, time.monotonic() - t0, log))
    if qemu_out:
        lines.extend("    qemu: " + l for l in qemu_out.splitlines()[-10:])
    failed = 0
    for ok, check, why in evaluate(boot, log_text, ended, timeout):
        if ok:
            lines.append("PASS: %s/%s" % (name, check))
        else:
            failed += 1
            lines.append("FAIL: %s/%s: %s" % (name, check, why))
    if failed:
        lines.append("--- last %d lines of %s ---" % (TAIL_LINES, log))
        lines.extend("  | " + l for l in log_text.splitlines()[-TAIL_LINES:])
        lines.append("--- end of log ---")
    return lines, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-j", "--jobs", type=int, default=1,
                    help="boots to run at once (default 1; 2 at most on 2 cores)")
    ap.add_argument("--only", default="", help="comma-separated boot names")
    ap.add_argument("--list", action="store_true", help="list boots and exit")
    ap.add_argument("--hv", default=os.environ.get(
        "TESS_HV", os.path.join(TOP, "hypervisor", "tessera.elf")))
    ap.add_argument("--kernel", default=os.environ.get(
        "TESS_KERNEL", os.path.join(TOP, "cache", "linux", "vmlinuz")))
    ap.add_argument("--initrd", default=os.environ.get(
        "TESS_INITRD", os.path.join(TOP, "images", "dom0-initrd.img")))
    ap.add_argument("--qemu", default=os.environ.get("TESS_QEMU", "qemu-system-x86_64"))
    ap.add_argument("--log-dir", default="",
                    help="keep serial logs here (default: a temporary directory)")
    ap.add_argument("--timeout-scale", type=float, default=1.0,
                    help="multiply every boot's time limit")
    ap.add_argument("--machines", default=",".join(m["name"] for m in MACHINES),
                    help="comma-separated machines to run the boots on (default: all: %s)"
                    % ", ".join("%s = -cpu %s" % (m["name"], m["cpu"]) for m in MACHINES))
    ap.add_argument("--eval-log", metavar="BOOT=LOG",
                    help="only evaluate BOOT's checks on an existing serial log")
    args = ap.parse_args()

    if args.eval_log:
        name, _, path = args.eval_log.partition("=")
        boot = [b for b in machine_boots(BOOTS, MACHINES) if b["name"] == name]
        if not boot or not path:
            ap.error("--eval-log wants BOOT=LOG with BOOT one of the table's names")
        failed = 0
        for ok, check, why in evaluate(boot[0], read_log(path), "exited (log only)", 0):
            failed += not ok
            print("PASS: %s/%s" % (name, check) if ok else "FAIL: %s/%s: %s" % (name, check, why))
        return 1 if failed else 0

    boots = BOOTS
    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - {b["name"] for b in BOOTS}
        if unknown:
            ap.error("unknown boot(s): %s" % ", ".join(sorted(unknown)))
        boots = [b for b in BOOTS if b["name"] in wanted]
    machines = [m for m in MACHINES if m["name"] in args.machines.split(",")]
    if len(machines) != len(args.machines.split(",")):
        ap.error("--machines: want names from %s" % ", ".join(m["name"] for m in MACHINES))
    boots = machine_boots(boots, machines)
    if args.list:
        for b in boots:
            print("%-10s -smp %d -m %d  hv '%s'  scenario %s  timeout %ds"
                  % (b["name"], b["smp"], b["mem"], b["hv"], b.get("scenario"), b["timeout"]))
        return 0

    missing = [p for p in (args.hv, args.kernel, args.initrd) if not os.path.isfile(p)]
    if missing:
        for p in missing:
            print("FAIL: harness/setup: %s not found (run make / make iso / scripts/fetch-linux.sh)" % p)
        return 1

    jobs = max(1, min(args.jobs, 2))
    with tempfile.TemporaryDirectory(prefix="tess-harness-") as workdir:
        if not args.log_dir:
            args.log_dir = workdir
        os.makedirs(args.log_dir, exist_ok=True)
        args.log_dir = os.path.abspath(args.log_dir)
        total_failed = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(run_boot, b, args, workdir) for b in boots]
            for fut in concurrent.futures.as_completed(futures):
                lines, failed = fut.result()
                total_failed += failed
                with print_lock:
                    print("\n".join(lines), flush=True)
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main())
