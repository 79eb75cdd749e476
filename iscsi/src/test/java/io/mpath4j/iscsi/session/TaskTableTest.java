package io.mpath4j.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskTableTest {

    record Entry(int itt) implements TaskTable.Tagged {}

    @Test
    void aReusedSlotGetsANewGenerationSoTheOldTagFindsNothing() {
        TaskTable<Entry> table = new TaskTable<>();
        Entry first = table.add(Entry::new);
        assertSame(first, table.get(first.itt()));
        assertTrue(table.remove(first));
        assertNull(table.get(first.itt()));
        Entry second = table.add(Entry::new);
        assertEquals(first.itt() & 0xffff, second.itt() & 0xffff, "the freed slot is reused first");
        assertNotEquals(first.itt(), second.itt());
        assertNull(table.get(first.itt()), "a late PDU for the old task must not find the new one");
        assertSame(second, table.get(second.itt()));
        assertFalse(table.remove(first));
        assertEquals(1, table.size());
    }

    @Test
    void growsPastItsFirstArrayAndKeepsEveryTask() {
        TaskTable<Entry> table = new TaskTable<>();
        List<Entry> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            all.add(table.add(Entry::new));
        }
        Set<Integer> itts = new HashSet<>();
        for (Entry e : all) {
            assertSame(e, table.get(e.itt()));
            assertTrue(itts.add(e.itt()));
            assertNotEquals(TaskTable.CONTROL_SLOT, e.itt() & 0xffff);
        }
        assertEquals(1000, table.snapshot().size());
        assertEquals(1000, table.size());
    }

    @Test
    void stopsAt65535OutstandingTasksAndNeverUsesTheControlSlot() {
        TaskTable<Entry> table = new TaskTable<>();
        for (int i = 0; i < TaskTable.CONTROL_SLOT; i++) {
            Entry e = table.add(Entry::new);
            assertNotEquals(TaskTable.CONTROL_SLOT, e.itt() & 0xffff);
            assertNotEquals(0xffffffff, e.itt());
        }
        assertNull(table.add(Entry::new), "no slot left");
        assertNull(table.get(0xffffffff));
    }

    @Test
    void controlTagsNeverCollideWithTasksNorTheReservedTag() {
        TaskTable<Entry> table = new TaskTable<>();
        Entry e = table.add(Entry::new);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 0xffff; i++) {
            int itt = table.controlItt();
            assertNotEquals(0xffffffff, itt);
            assertNotEquals(e.itt(), itt);
            assertNull(table.get(itt));
            assertTrue(seen.add(itt), "cycle of 65535 distinct tags");
        }
        assertTrue(seen.contains(table.controlItt()), "then it wraps");
    }
}
