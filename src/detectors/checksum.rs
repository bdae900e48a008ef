//! Check-digit validators (Luhn, IBAN, NPI, DEA, VIN, SSN rules). (stub, being written)
