package io.distillery.teacher.rest;

import io.distillery.teacher.VolumeStatus;
import io.distillery.teacher.service.VolumeRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Collection;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The volumes this instance has received. */
@Path("/api/v1/volumes")
@Produces(MediaType.APPLICATION_JSON)
public class VolumeStatusResource {

  @Inject VolumeRegistry registry;

  @GET
  @Operation(summary = "Volumes received from VolumeIngested events")
  public Collection<VolumeStatus> list() {
    return registry.all();
  }

  @GET
  @Path("/{volumeId}")
  @Operation(summary = "One received volume")
  public VolumeStatus get(@PathParam("volumeId") String volumeId) {
    return registry
        .find(volumeId)
        .orElseThrow(
            () ->
                new ProblemException(404, "Unknown volume", "no volume " + volumeId + " received"));
  }
}
