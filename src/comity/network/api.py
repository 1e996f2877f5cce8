"""The network's API: `/api/v1/network` (the directory and the finder), `/api/v1/consultations`,
`/api/v1/meetings`, `/api/v1/alerts`. Members only: to anyone else every operation is a 404."""

from ninja import Router

router = Router(tags=["network"])
consultations_router = Router(tags=["consultations"])
meetings_router = Router(tags=["meetings"])
alerts_router = Router(tags=["alerts"])
