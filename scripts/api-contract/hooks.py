"""Schemathesis hooks for scripts/api-contract.sh."""

import schemathesis

# A CV is sent as the PDF's bytes, as any binary body.
schemathesis.serializer.alias("application/pdf", "application/octet-stream")
