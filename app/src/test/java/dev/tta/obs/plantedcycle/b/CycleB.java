package dev.tta.obs.plantedcycle.b;

/** Planted violation: the other half of a package cycle. */
public class CycleB {
    public dev.tta.obs.plantedcycle.a.CycleA other;
}
