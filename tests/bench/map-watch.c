/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A program's start as a person sees it: from exec to the X MapNotify of its
 * first window.
 *
 *   map-watch COMMAND [ARG...]
 *
 * Listens to the root window of $DISPLAY (SubstructureNotifyMask) before it
 * starts COMMAND, then prints one line of JSON at the first MapNotify of a
 * top-level window that is not override-redirect (a menu or a tooltip):
 *
 *   {"pid": 1234, "mapped_ms": 98.7, "exec_at_ms": 81234567.8}
 *
 * mapped_ms: milliseconds on CLOCK_MONOTONIC from just before fork() to the
 * event's arrival; exec_at_ms: that fork() on the clock itself, to place
 * what the program notes of its start (enr-startup-marks.h) on the same line.
 * It then waits for its standard input to close, ends COMMAND (SIGTERM, and
 * SIGKILL if it is still there 10 s later) and exits 0. It
 * exits 1, saying so, when COMMAND ends before any window maps. What
 * COMMAND writes on its stdout goes to stderr.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <X11/Xlib.h>

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Whether @pid has ended (reaped). */
static int
ended (pid_t pid)
{
  int status;

  return waitpid (pid, &status, WNOHANG) == pid;
}

static void
end_child (pid_t pid)
{
  struct timespec tick = { 0, 10 * 1000 * 1000 };

  kill (pid, SIGTERM);
  for (int i = 0; i < 1000; i++)
    {
      if (ended (pid))
        return;
      nanosleep (&tick, NULL);
    }
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
}

/* Waits for the first top-level MapNotify; returns when it came, or -1 if
 * @pid ended first. */
static double
wait_for_map (Display *display,
              pid_t    pid)
{
  int fd = ConnectionNumber (display);

  for (;;)
    {
      fd_set fds;
      struct timeval wait = { 0, 50 * 1000 };

      while (XPending (display) > 0)
        {
          XEvent event;

          XNextEvent (display, &event);
          if (event.type == MapNotify && !event.xmap.override_redirect &&
              event.xmap.event == DefaultRootWindow (display))
            return now_ms ();
        }
      if (ended (pid))
        return -1;
      FD_ZERO (&fds);
      FD_SET (fd, &fds);
      if (select (fd + 1, &fds, NULL, NULL, &wait) < 0 && errno != EINTR)
        return -1;
    }
}

int
main (int    argc,
      char **argv)
{
  Display *display;
  double started, mapped;
  pid_t pid;
  char buffer[256];

  if (argc < 2)
    {
      fprintf (stderr, "usage: map-watch COMMAND [ARG...]\n");
      return 2;
    }
  display = XOpenDisplay (NULL);
  if (display == NULL)
    {
      fprintf (stderr, "map-watch: cannot open the display\n");
      return 2;
    }
  XSelectInput (display, DefaultRootWindow (display), SubstructureNotifyMask);
  /* The selection is in place at the server before the program starts. */
  XSync (display, False);

  started = now_ms ();
  pid = fork ();
  if (pid < 0)
    return 2;
  if (pid == 0)
    {
      /* Our stdout is for our one line: the program's goes to stderr. */
      close (ConnectionNumber (display));
      dup2 (STDERR_FILENO, STDOUT_FILENO);
      execvp (argv[1], argv + 1);
      perror ("map-watch: exec");
      _exit (127);
    }

  mapped = wait_for_map (display, pid);
  if (mapped < 0)
    {
      fprintf (stderr, "map-watch: %s ended before a window mapped\n", argv[1]);
      return 1;
    }
  printf ("{\"pid\": %d, \"mapped_ms\": %.2f, \"exec_at_ms\": %.3f}\n",
          (int) pid, mapped - started, started);
  fflush (stdout);

  while (read (STDIN_FILENO, buffer, sizeof buffer) > 0)
    ;
  end_child (pid);
  XCloseDisplay (display);
  return 0;
}
