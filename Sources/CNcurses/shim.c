#define _XOPEN_SOURCE 700
#include "CNcurses.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

SCREEN *seqlens_newterm(void) {
    return newterm(NULL, stdout, stdin);
}

attr_t seqlens_attributes(int bold, int dim, int reverse, int underline) {
    attr_t attributes = A_NORMAL;
    if (bold) attributes |= A_BOLD;
    if (dim) attributes |= A_DIM;
    if (reverse) attributes |= A_REVERSE;
    if (underline) attributes |= A_UNDERLINE;
    return attributes;
}

int seqlens_put(int y, int x, const wchar_t *characters, int count, attr_t attributes, int pair) {
    wchar_t text[CCHARW_MAX + 1] = {L'?', 0};
    if (count > 0 && wcwidth(characters[0]) == 1) {
        if (count > CCHARW_MAX) count = CCHARW_MAX;
        wmemcpy(text, characters, (size_t)count);
        text[count] = 0;
    }
    cchar_t cell;
    // The short pair argument cannot hold extended pairs; ncurses takes the int through `opts`.
    if (setcchar(&cell, text, attributes, 0, &pair) == ERR) return ERR;
    return mvadd_wch(y, x, &cell);
}

void seqlens_enable_mouse(void) {
    // Terminals report the wheel as presses of buttons 4 (up) and 5 (down).
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
}

int seqlens_mouse_event(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return SEQLENS_MOUSE_NONE;
    *x = event.x;
    *y = event.y;
    if (event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return SEQLENS_MOUSE_CLICK;
    if (event.bstate & BUTTON4_PRESSED) return SEQLENS_MOUSE_WHEEL_UP;
    if (event.bstate & BUTTON5_PRESSED) return SEQLENS_MOUSE_WHEEL_DOWN;
    return SEQLENS_MOUSE_NONE;
}

void seqlens_force_repaint(void) {
    clearok(curscr, TRUE);
}

static void rename_recording_on_signal(void);

static volatile sig_atomic_t wake_descriptor = -1;
static struct sigaction curses_winch_action;

static void restore_and_exit(int signal_number) {
    endwin();
    rename_recording_on_signal();
    // Bracketed paste off too, or the shell receives pasted text wrapped in escapes.
    static const char paste_off[] = "\033[?2004l";
    ssize_t ignored = write(STDOUT_FILENO, paste_off, sizeof paste_off - 1);
    (void)ignored;
    _exit(128 + signal_number);
}

static void wake_on_resize(int signal_number, siginfo_t *info, void *context) {
    // ncurses' own handler records the resize for the next get_wch; the byte wakes poll(2).
    if (curses_winch_action.sa_flags & SA_SIGINFO) {
        curses_winch_action.sa_sigaction(signal_number, info, context);
    } else if (curses_winch_action.sa_handler != SIG_DFL && curses_winch_action.sa_handler != SIG_IGN) {
        curses_winch_action.sa_handler(signal_number);
    }
    int fd = wake_descriptor;
    if (fd >= 0) {
        char byte = 'w';
        ssize_t ignored = write(fd, &byte, 1);
        (void)ignored;
    }
}

void seqlens_install_signal_handlers(int wake_fd) {
    wake_descriptor = wake_fd;

    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = restore_and_exit;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    // A closed terminal (hang-up): restore what can be restored and exit 129.
    sigaction(SIGHUP, &action, NULL);

    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_sigaction = wake_on_resize;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGWINCH, &action, &curses_winch_action);
}

void seqlens_restore_signal_handlers(void) {
    wake_descriptor = -1;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    sigaction(SIGWINCH, &curses_winch_action, NULL);
}

// A recording being written (explore --cast): its partial file is renamed into place when a
// signal ends the full-screen run, so what was recorded is kept (rename(2) is async-signal-safe).
static char recording_partial[4096];
static char recording_final[4096];

void seqlens_set_recording_paths(const char *partial, const char *final) {
    recording_partial[0] = 0;
    recording_final[0] = 0;
    if (partial == NULL || final == NULL) return;
    if (strlen(partial) >= sizeof recording_partial || strlen(final) >= sizeof recording_final) return;
    strcpy(recording_final, final);
    strcpy(recording_partial, partial);
}

static void rename_recording_on_signal(void) {
    if (recording_partial[0]) rename(recording_partial, recording_final);
}

static volatile sig_atomic_t interrupting_signal = 0;
static volatile sig_atomic_t interrupt_wake_descriptor = -1;

static void note_interrupt(int signal_number) {
    interrupting_signal = signal_number;
    int fd = interrupt_wake_descriptor;
    if (fd >= 0) {
        char byte = 'i';
        ssize_t ignored = write(fd, &byte, 1);
        (void)ignored;
    }
}

void seqlens_install_interrupt_handlers(int wake_fd) {
    interrupting_signal = 0;
    interrupt_wake_descriptor = wake_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = note_interrupt;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
}

int seqlens_interrupting_signal(void) {
    return interrupting_signal;
}

void seqlens_restore_interrupt_handlers(void) {
    interrupt_wake_descriptor = -1;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
}
