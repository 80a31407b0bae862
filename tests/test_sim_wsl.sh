#!/bin/sh
# wsl (Dell's WS-Man shell client) against bitsim.
# Protects: a third-party client that sends bare-GUID MessageIDs with
# mustUnderstand, a real a:To and whitespace between tags can enumerate
# (plain and WQL), Get, and Invoke CreateJob and SetJobState, and the
# actions take effect on the simulator.

command -v wsl >/dev/null 2>&1 || { echo "SKIP: wsl not installed"; exit 77; }
command -v uuidgen >/dev/null 2>&1 || { echo "SKIP: uuidgen not installed"; exit 77; }
. "$top_srcdir/tests/lib/sim.sh"

fail=0
check() {
	if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; fail=1; fi
}

BITSIM_PASSWORD=wsl-pass; export BITSIM_PASSWORD
sim_start --hosts 1 --user wsluser --jobs 6 --speed 0 --seed 11 || exit 99
HOME=$SIM_DIR; export HOME
WSENDPOINT=$(sim_host_addr 0) WSNOSSL=true WSUSER=wsluser WSPASS=wsl-pass KEEPHISTORY=0 OUTLEVEL=1
export WSENDPOINT WSNOSSL WSUSER WSPASS KEEPHISTORY OUTLEVEL
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY
URI=http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/bits/BitsClientJob
cd "$SIM_DIR" || exit 99

timeout 30 wsl enum "$URI" > enum.out 2>&1
check "wsl enum succeeds" "[ $? -eq 0 ]"
check "wsl enum lists all 6 jobs" "[ \$(grep -c '<p:JobId>' enum.out) -eq 6 ]"

timeout 30 wsl enum "$URI" -dialect http://schemas.microsoft.com/wbem/wsman/1/WQL \
	-filter "select * from BitsClientJob" > wql.out 2>&1
check "wsl WQL enum succeeds" "[ $? -eq 0 ]"
check "wsl WQL enum lists all 6 jobs" "[ \$(grep -c '<p:JobId>' wql.out) -eq 6 ]"

J=$(sim_ctl '/jobs?host=0' | head -n 1 | cut -f 1)
timeout 30 wsl get "$URI" "JobId=$J" > get.out 2>&1
check "wsl get succeeds" "[ $? -eq 0 ]"
check "wsl get returns the job" "grep -q '<p:JobId>$J</p:JobId>' get.out"

cat > class.epr <<EPR
<wsa:EndpointReference>
<wsa:ReferenceParameters>
<wsman:ResourceURI>$URI</wsman:ResourceURI>
<wsman:SelectorSet/>
</wsa:ReferenceParameters>
</wsa:EndpointReference>
EPR
timeout 30 wsl invoke "$URI" CreateJob -inst class.epr DisplayName=WslJob \
	RemoteUrl=https://srv/f.txt 'LocalFile=C:\t\f.txt' Type=0 > create.out 2>&1
check "wsl invoke CreateJob succeeds" "[ $? -eq 0 ]"
NEW=$(sed -n 's/.*<p:JobId>\(.*\)<\/p:JobId>.*/\1/p' create.out)
check "CreateJob returned a JobId" "[ -n '$NEW' ]"
check "the new job is on the simulator, SUSPENDED" \
	"sim_ctl '/jobs?host=0' | grep -q \"^$NEW	3	2	.*	WslJob\$\""

cat > job.epr <<EPR
<wsa:EndpointReference>
<wsa:ReferenceParameters>
<wsman:ResourceURI>$URI</wsman:ResourceURI>
<wsman:SelectorSet><wsman:Selector Name="JobId">$NEW</wsman:Selector></wsman:SelectorSet>
</wsa:ReferenceParameters>
</wsa:EndpointReference>
EPR
timeout 30 wsl invoke "$URI" SetJobState -inst job.epr JobState=2 > set.out 2>&1
check "wsl invoke SetJobState succeeds" "[ $? -eq 0 ] && grep -q '<p:ReturnValue>0</p:ReturnValue>' set.out"
check "the job was resumed (QUEUED)" "sim_ctl '/jobs?host=0' | grep -q \"^$NEW	0	\""

timeout 30 wsl invoke "$URI" SetJobState -inst job.epr JobState=0 > cancel.out 2>&1
check "wsl cancel succeeds" "grep -q '<p:ReturnValue>0</p:ReturnValue>' cancel.out"
check "the cancelled job left the queue" "! sim_ctl '/jobs?host=0' | grep -q \"^$NEW\""

sim_stop
exit $fail
