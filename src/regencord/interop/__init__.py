"""Interoperability: reading and writing the formats other systems keep (REDCap, CDISC SDTM, FHIR)."""
