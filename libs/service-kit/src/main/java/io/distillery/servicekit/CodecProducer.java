package io.distillery.servicekit;

import io.distillery.contracts.EventCodec;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Supplies the schema-validating event codec (its schemas are parsed once). */
@Singleton
public class CodecProducer {

  @Produces
  @Singleton
  EventCodec eventCodec() {
    return new EventCodec();
  }
}
