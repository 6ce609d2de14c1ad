#ifndef SEQLENS_CNCURSES_H
#define SEQLENS_CNCURSES_H

// A C module gets no _XOPEN_SOURCE, so ask for the wide-character API explicitly.
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>
#include <wchar.h>

// Wrappers for what curses defines as macros, plus the pieces that must be C
// (async-signal-safe handlers, the stdio streams).

/// newterm on stdout/stdin; NULL when the terminal cannot be used (never exits the process).
SCREEN *seqlens_newterm(void);

/// A_BOLD, A_DIM, A_REVERSE and A_UNDERLINE combined as asked.
attr_t seqlens_attributes(int bold, int dim, int reverse, int underline);

/// Draws one cell: a grapheme of `count` scalars (a base character and combining marks; any past
/// CCHARW_MAX are dropped) with attributes and an extended colour pair. A first character that is
/// not one column wide (control, wide) is drawn as '?', so a row never shifts.
int seqlens_put(int y, int x, const wchar_t *characters, int count, attr_t attributes, int pair);

/// Reports button-1 presses and clicks and the wheel, without waiting to tell a click from a press.
void seqlens_enable_mouse(void);

#define SEQLENS_MOUSE_NONE 0
#define SEQLENS_MOUSE_CLICK 1
#define SEQLENS_MOUSE_WHEEL_UP 2
#define SEQLENS_MOUSE_WHEEL_DOWN 3

/// The next mouse event, one of SEQLENS_MOUSE_*, with its cell: a button-1 press or click, or a
/// notch of the wheel.
int seqlens_mouse_event(int *x, int *y);

/// Makes the next refresh repaint the whole physical screen (after a resize).
void seqlens_force_repaint(void);

/// SIGINT and SIGTERM restore the terminal (endwin) and _exit with 130 and 143; SIGWINCH
/// still reaches ncurses and also writes a byte to `wake_fd` so a poll(2) on it returns.
void seqlens_install_signal_handlers(int wake_fd);

/// Puts back the signal actions found by seqlens_install_signal_handlers.
void seqlens_restore_signal_handlers(void);

/// The recording (explore --cast) whose partial file a signal that ends the full-screen run
/// renames to its final path; NULLs clear it. Paths of 4096 bytes or more are not kept.
void seqlens_set_recording_paths(const char *partial, const char *final);

/// Without a screen (a headless scripted run): SIGINT, SIGTERM and SIGHUP are noted, not fatal,
/// and write a byte to `wake_fd`, so the run can finish its recording and exit 128 + the signal.
void seqlens_install_interrupt_handlers(int wake_fd);

/// The signal noted since seqlens_install_interrupt_handlers, or 0.
int seqlens_interrupting_signal(void);

/// SIGINT, SIGTERM and SIGHUP back to their default actions.
void seqlens_restore_interrupt_handlers(void);

#endif
