package io.distillery.inference.rest;

import io.distillery.inference.service.SegmentationService;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses {@code POST /api/v1/segment} with 503 and {@code Retry-After} while every worker is busy
 * and the queue is full, before the request body (up to the upload limit) is read and decoded. The
 * check is a hint taken at arrival: a request let through here can still be refused when it is
 * queued.
 */
public class CapacityFilter {

  @Inject SegmentationService service;

  /** Runs after resource matching and before the body is read. */
  @ServerRequestFilter
  public void refuseWhenSaturated(ContainerRequestContext request) {
    if ("POST".equals(request.getMethod())
        && request.getUriInfo().getPath().endsWith("/api/v1/segment")
        && service.saturated()) {
      throw service.rejectEarly(request.getUriInfo().getQueryParameters().getFirst("model"));
    }
  }
}
