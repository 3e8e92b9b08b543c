from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from scheduling.api.schemas import DocModel

router = Router()


class HealthData(DocModel):
    status: str


class HealthResponse(DocModel):
    data: HealthData


@router.get(
    "/health",
    summary="Liveness check (no auth)",
    responses={200: {"description": "OK", "content": {"application/json": {"model": HealthResponse}}}},
)
def health() -> dict:
    return {"data": {"status": "ok"}}
