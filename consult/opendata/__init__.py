"""Open data: the published consultations as CSV with Table Schema, JSON and a Data
Package, under the Licence Ouverte 2.0, for the whole platform or one challenge."""
