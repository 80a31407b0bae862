# bitstop-agent: answers bitstop's requests about BITS jobs on this host.
# Runs in Windows PowerShell 5.1 (or later), started by bitstop in a WinRS shell
# with -EncodedCommand. Protocol (version 1): one JSON request per line on
# stdin; for each, one JSON answer line, then the line "@@BITSTOP-END <seq>@@".
# Lines starting with '#' are comments and are removed before encoding.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# UTF-8 out, no BOM; one request per line in.
[Console]::OutputEncoding = New-Object Text.UTF8Encoding $false
$Agent = 'bitstop-agent/1'
# The BitsTransfer module: Get-, Set-, Suspend-, Resume-, Complete-, Remove-, Start-BitsTransfer.
Import-Module BitsTransfer
# A DateTime as ISO 8601 UTC, or $null for an unset one (year 1).
function T($d) { if ($d -eq $null -or $d.Year -lt 1601) { $null } else { $d.ToUniversalTime().ToString('o') } }
# One job as plain values: enums as strings (no -EnumsAsStrings in 5.1), times as ISO UTC.
function J($j) {
  $f = @($j.FileList | ForEach-Object { @{ RemoteName = $_.RemoteName; LocalName = $_.LocalName;
    BytesTotal = $_.BytesTotal; BytesTransferred = $_.BytesTransferred; IsTransferComplete = $_.IsTransferComplete } })
  @{ JobId = $j.JobId.ToString('B').ToUpper(); DisplayName = $j.DisplayName; Description = $j.Description
    OwnerAccount = $j.OwnerAccount; TransferType = "$($j.TransferType)"; JobState = "$($j.JobState)"
    Priority = "$($j.Priority)"; BytesTotal = $j.BytesTotal; BytesTransferred = $j.BytesTransferred
    FilesTotal = $j.FilesTotal; FilesTransferred = $j.FilesTransferred; CreationTime = T $j.CreationTime
    ModificationTime = T $j.ModificationTime; TransferCompletionTime = T $j.TransferCompletionTime
    ErrorCondition = "$($j.ErrorCondition)"; ErrorContext = "$($j.ErrorContext)"
    ErrorContextDescription = $j.ErrorContextDescription; ErrorDescription = $j.ErrorDescription
    InternalErrorCode = $j.InternalErrorCode; RetryInterval = $j.RetryInterval
    RetryTimeout = $j.RetryTimeout; TransientErrorCount = $j.TransientErrorCount; FileList = $f }
}
# Throw an error carrying this HRESULT (COMException keeps it; Win32Exception would not).
function E($h, $m) { throw (New-Object Runtime.InteropServices.COMException $m, $h) }
# The job with this id among every user's jobs (-JobId alone may not see other users' jobs).
function G($id) {
  $j = Get-BitsTransfer -AllUsers | Where-Object { $_.JobId.ToString('B') -eq $id }
  if ($j -eq $null) { E 0x80200001 "no job $id" }
  $j
}
# Run one mutation as SYSTEM through a one-shot scheduled task; its result comes back in a file.
function S($r) {
  # a folder both this session and SYSTEM can reach
  $o = "$env:windir\Temp\bitstop-$PID-$($r.seq).txt"
  $c = "Import-Module BitsTransfer; & { try { `$j = Get-BitsTransfer -AllUsers | Where-Object { `$_.JobId.ToString('B') -eq '$($r.id)' }; " +
    "switch ('$($r.op)') { 'suspend' { Suspend-BitsTransfer `$j } 'resume' { Resume-BitsTransfer -BitsJob `$j -Asynchronous } " +
    "'complete' { Complete-BitsTransfer `$j } 'cancel' { Remove-BitsTransfer `$j } 'priority' { Set-BitsTransfer `$j -Priority '$($r.priority)' } } | Out-Null; 'ok' } " +
    "catch { '0x{0:X8} {1}' -f `$_.Exception.HResult, `$_.Exception.Message } } | Set-Content '$o'"
  $n = "bitstop-$PID-$($r.seq)"
  $a = New-ScheduledTaskAction -Execute powershell.exe -Argument "-NoProfile -NonInteractive -EncodedCommand $([Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($c)))"
  Register-ScheduledTask -TaskName $n -Action $a -User 'NT AUTHORITY\SYSTEM' -RunLevel Highest | Out-Null
  try {
    Start-ScheduledTask -TaskName $n
    $t = 0; while (-not (Test-Path $o) -and $t -lt 120) { Start-Sleep -Milliseconds 250; $t++ }
    $m = if (Test-Path $o) { (Get-Content $o -Raw).Trim() } else { '0x800705B4 the SYSTEM task did not finish in 30 s' }
  } finally { Unregister-ScheduledTask -TaskName $n -Confirm:$false; Remove-Item $o -ErrorAction SilentlyContinue }
  if ($m -ne 'ok') { E ([Convert]::ToInt32($m.Substring(2, 8), 16)) $m.Substring(11) }
  @{ via = 'system_task' }
}
# Answer one request.
function A($r) {
  switch ($r.op) {
    'hello' { @{ agent = $Agent; ps = "$($PSVersionTable.PSVersion)" } }
    'list' { @{ jobs = @(Get-BitsTransfer -AllUsers | ForEach-Object { J $_ }) } }
    'create' {
      # an upload's source is the local file, its destination the URL
      $u = $r.type -eq 'upload'
      $a = if ($u) { $r.local, $r.url, 'Upload' } else { $r.url, $r.local, 'Download' }
      # -Suspended when asked: the job is created suspended and never starts on its own
      $j = Start-BitsTransfer -Source $a[0] -Destination $a[1] -TransferType $a[2] -DisplayName $r.name -Asynchronous -Suspended:([bool]$r.suspended)
      @{ id = $j.JobId.ToString('B').ToUpper() } }
    default {
      $j = G $r.id
      if ($r.op -in 'get', 'get_error') { return @{ jobs = @(J $j) } }
      try {
        switch ($r.op) {
          'suspend' { Suspend-BitsTransfer $j | Out-Null }
          'resume' { Resume-BitsTransfer -BitsJob $j -Asynchronous | Out-Null }
          'complete' { Complete-BitsTransfer $j }
          'cancel' { Remove-BitsTransfer $j }
          'priority' { Set-BitsTransfer $j -Priority $r.priority | Out-Null }
          default { E 0x80070057 "unknown op $($r.op)" }
        }
        @{}
      } catch {
        # LocalSystem's jobs are out of an administrator's reach; a SYSTEM task may act.
        if ($_.Exception.HResult -eq -2147024891 -and $j.OwnerAccount -eq 'NT AUTHORITY\SYSTEM') {
          if ($r.system) { return S $r }
          E 0x80070005 'owned by LocalSystem'
        }
        throw
      }
    }
  }
}
# The loop: read a line, answer it, flush; errors become {ok:false, hresult, message}.
while (($l = [Console]::In.ReadLine()) -ne $null) {
  $s = 0
  try {
    $r = ConvertFrom-Json $l; $s = [int]$r.seq
    $o = A $r; $o.ok = $true
  } catch {
    # a generic wrapper (0x80131500, 0x80004005) hides the cmdlet's own HRESULT one level down
    $e = $_.Exception
    if ($e.InnerException -and $e.HResult -in -2146233088, -2147467259) { $e = $e.InnerException }
    $o = @{ ok = $false; hresult = '0x{0:X8}' -f $e.HResult; message = "$($e.Message)" }
  }
  $o.v = 1; $o.seq = $s
  [Console]::Out.WriteLine((ConvertTo-Json $o -Compress -Depth 5))
  [Console]::Out.WriteLine("@@BITSTOP-END $s@@")
  [Console]::Out.Flush()
}
