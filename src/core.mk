## wsman client core and BITS model (envelopes, parsing, faults, operations).
