## bitsim, the WinRM + BITS provider simulator.
