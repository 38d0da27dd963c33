#!/bin/sh
# Scenario "clock": Linux read the wall clock from the child's CMOS RTC at
# boot: no "Unable to read current time from RTC", the year is 2024 or
# later, rtc0 exists, and the clock moves.
fail() { echo "TESSERA-GUEST-TEST FAIL clock: $1"; exit 1; }

echo "TESSERA-GUEST: date $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
if dmesg | grep -q 'Unable to read current time'; then
    fail "$(dmesg | grep 'Unable to read current time')"
fi
year=$(date -u +%Y)
[ "$year" -ge 2024 ] || fail "the year is $year"
[ -e /sys/class/rtc/rtc0 ] || fail "no /sys/class/rtc/rtc0"
echo "TESSERA-GUEST: rtc0 is $(cat /sys/class/rtc/rtc0/name) at $(cat /sys/class/rtc/rtc0/date) $(cat /sys/class/rtc/rtc0/time)"
t0=$(date +%s)
sleep 2
t1=$(date +%s)
[ "$t1" -gt "$t0" ] || fail "date +%s went from $t0 to $t1 over 2 s"
echo "TESSERA-GUEST-TEST PASS clock"
