"""Printers, scanners, the print and mail queues. (python-escpos' set-up: app.escpos_cache.)"""
