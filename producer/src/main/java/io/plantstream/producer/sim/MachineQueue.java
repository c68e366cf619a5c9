package io.plantstream.producer.sim;

import java.util.List;

/**
 * The machines ordered by their next event: a binary min-heap on (next event time, model order).
 * After the first machine emits, only it has moved, so it is sifted down in place instead of
 * removed and re-inserted; this is the simulator's hot path.
 */
final class MachineQueue {

  private final MachineSimulator[] heap;

  MachineQueue(List<MachineSimulator> machines) {
    heap = machines.toArray(new MachineSimulator[0]);
    for (int i = heap.length / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  boolean isEmpty() {
    return heap.length == 0;
  }

  /** The machine whose next event comes first. */
  MachineSimulator first() {
    return heap[0];
  }

  /** Restores the order after the first machine's next event moved later. */
  void firstMoved() {
    siftDown(0);
  }

  private void siftDown(int index) {
    MachineSimulator moving = heap[index];
    int half = heap.length / 2;
    while (index < half) {
      int child = 2 * index + 1;
      int right = child + 1;
      if (right < heap.length && before(heap[right], heap[child])) {
        child = right;
      }
      if (!before(heap[child], moving)) {
        break;
      }
      heap[index] = heap[child];
      index = child;
    }
    heap[index] = moving;
  }

  private static boolean before(MachineSimulator a, MachineSimulator b) {
    return a.nextAt() < b.nextAt() || (a.nextAt() == b.nextAt() && a.order() < b.order());
  }
}
