package dev.tta.obs.plantedcycle.a;

/** Planted violation: half of a package cycle. Only the architecture test loads it. */
public class CycleA {
    public dev.tta.obs.plantedcycle.b.CycleB other;
}
