"""Interoperability: reading and writing what other systems keep (REDCap, SDTM, FHIR)."""
