package io.github.infinitewidth.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.NativePointerObject;
import jcuda.Pointer;

/**
 * The parameter list of one kernel launch, built in the order of the kernel's C signature.
 * Each method fixes the C type it stands for, so a Java {@code int} never lands in a
 * {@code long long} slot: {@link #i} for {@code int} and {@code unsigned}, {@link #l} for
 * {@code long long} and {@code unsigned long long}, {@link #d} for {@code double},
 * {@link #ptr} for pointers.
 */
final class KernelArgs {
    private final List<NativePointerObject> slots = new ArrayList<>();

    KernelArgs ptr(Pointer devicePointer) {
        slots.add(Pointer.to(devicePointer));
        return this;
    }

    KernelArgs i(int value) {
        slots.add(Pointer.to(new int[] {value}));
        return this;
    }

    KernelArgs flag(boolean value) {
        return i(value ? 1 : 0);
    }

    KernelArgs l(long value) {
        slots.add(Pointer.to(new long[] {value}));
        return this;
    }

    KernelArgs d(double value) {
        slots.add(Pointer.to(new double[] {value}));
        return this;
    }

    Pointer pointer() {
        return Pointer.to(slots.toArray(new NativePointerObject[0]));
    }
}
