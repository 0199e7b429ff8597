package io.distillery.contracts;

import io.distillery.contracts.events.DistilleryEvent;

/**
 * A validated incoming event with its CloudEvents attributes.
 *
 * @param cloudEvent headers of the record ({@code id} is the deduplication key)
 * @param event the payload
 * @param <E> the event record type
 */
public record DecodedEvent<E extends DistilleryEvent>(CloudEventHeaders cloudEvent, E event) {}
